"""The helpdesk tried by those who should not use it: a unit officer, an auditor, an
administrator scoped to one district (beyond that district), and the helpdesk itself trying to
file a unit's phone request. Each search, look and action is refused, changes nothing, records
no look and leaks nothing of the account.

The world (tests/backoffice/conftest.py): ``co.so`` (Võ Minh Triết, phone 0912 345 678) in
MYTU-HHN of district MYTU, ``phuong1`` (Lâm Quốc Bảo) in TPST-P1 of district TPST.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client

from govid import clock
from govid.audit.models import Event
from govid.backoffice.models import PhoneRequest
from govid.backoffice.staff import grant
from govid.directory.provision import add_account
from govid.sso.models import User

DOMAIN = "soctrang.gov.vn"
DESK = "/van-phong/ho-tro/"
VICTIM = f"co.so@{DOMAIN}"
FAR = f"phuong1@{DOMAIN}"
# What the helpdesk shows of an account: none of it may reach someone refused.
SECRETS = ("Võ Minh Triết", "0912XXX678", "0912345678", "Lâm Quốc Bảo", "Tạm khóa đăng nhập")
ACTIONS = ("go-tam-khoa/", "dang-xuat/")


def text(response) -> str:
    """The page as read: addresses whole (the <wbr> that lets them wrap taken out)."""
    return html.unescape(response.content.decode()).replace("<wbr>", "")


def same_page(response) -> str:
    """The page without what differs on every answer (the CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text(response))


def held(login: str) -> None:
    """Five wrong passwords: the account's login is held."""
    client = Client()
    for _ in range(5):
        client.post("/", {"username": login, "password": "Sai@Matkhau1"})


def signed_in(login: str) -> Client:
    """A session of ``login`` that the helpdesk could end."""
    client = Client()
    client.force_login(User.objects.get_or_create(login=login)[0])
    return client


def nothing_changed(victim_session: Client) -> None:
    assert not Event.objects.filter(
        action__in=["login_hold_released", "helpdesk_access_ended", "helpdesk_account_viewed"]
    ).exists()
    assert victim_session.get("/tai-khoan/").status_code == 200  # its session lives


@pytest.fixture
def district_admin(world) -> Client:
    """A provider administrator for district MYTU only."""
    login = f"qt.mytu@{DOMAIN}"
    add_account(login, name="Quản trị Mỹ Tú", unit="MYTU-HHN", actor="test")
    grant(login, role="provider_admin", units=["MYTU"], actor="test")
    return signed_in(login)


@pytest.mark.parametrize("who", ["officer", "reviewer", "auditor", "nobody"])
def test_other_roles_are_refused_every_page_and_action_and_learn_nothing(world, who, frozen):
    held("co.so")
    clock.advance(timedelta(seconds=1))
    session = signed_in(VICTIM)
    client = world.client(who)
    answers = [
        client.get(DESK),
        client.get(DESK, {"q": "0912 345 678"}),
        client.get(DESK, {"q": "Võ Minh Triết"}),
        client.get(f"{DESK}{VICTIM}/"),
        *(client.post(f"{DESK}{VICTIM}/{action}") for action in ACTIONS),
    ]
    for answer in answers:
        assert answer.status_code == 403, answer.request
        assert [s for s in SECRETS if s in text(answer)] == []
    nothing_changed(session)
    assert "Đang tạm khóa đến" in text(world.client("provider").get(f"{DESK}{VICTIM}/"))


def test_signed_out_the_helpdesk_only_leads_to_the_login_page(world):
    for answer in (Client().get(f"{DESK}{VICTIM}/"), Client().post(f"{DESK}{VICTIM}/dang-xuat/")):
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/?next=")
    assert not Event.objects.filter(action__startswith="helpdesk").exists()


def test_a_district_administrator_cannot_reach_an_account_of_another_district(
    world, district_admin, frozen
):
    held("phuong1")
    clock.advance(timedelta(seconds=1))
    session = signed_in(FAR)
    for query in ("Lâm Quốc Bảo", "phuong1", FAR):
        rows = text(district_admin.get(DESK, {"q": query})).split("<tbody>")[1]
        assert "Không tìm thấy tài khoản nào." in rows
        assert FAR not in rows and "Lâm Quốc Bảo" not in rows
    unknown = f"khong.co.ai@{DOMAIN}"
    for suffix in ("", *ACTIONS):
        method = district_admin.post if suffix else district_admin.get
        far, nobody = method(f"{DESK}{FAR}/{suffix}"), method(f"{DESK}{unknown}/{suffix}")
        # Refused, and refused exactly as an address that does not exist: no hint it does.
        assert far.status_code == nobody.status_code == 404
        assert same_page(far).replace(FAR, unknown) == same_page(nobody)
        assert [s for s in SECRETS if s in text(far)] == []
    nothing_changed(session)
    assert "Đang tạm khóa đến" in text(world.client("provider").get(f"{DESK}{FAR}/"))
    # Within its own district it works, and the look is recorded.
    assert district_admin.get(f"{DESK}{VICTIM}/").status_code == 200
    looked = Event.objects.get(action="helpdesk_account_viewed", subject=VICTIM)
    assert looked.actor == f"qt.mytu@{DOMAIN}"


def test_the_helpdesk_cannot_file_a_units_phone_request(world):
    """Three people, three steps: the provider who applies a request does not write it."""
    provider = world.client("provider")
    page = text(provider.get(f"{DESK}{VICTIM}/"))
    assert "Trung tâm không lập đề nghị thay đơn vị" in page
    assert provider.get("/van-phong/de-nghi/moi/").status_code == 403
    assert provider.post("/van-phong/de-nghi/moi/", {"unit": "MYTU-HHN"}).status_code == 403
    assert not PhoneRequest.objects.exists()
    assert not Event.objects.filter(action="request_created").exists()
