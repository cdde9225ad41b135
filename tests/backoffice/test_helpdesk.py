"""The helpdesk: the provider finds an account as the caller says it, sees its picture, ends
its login hold or its sessions; every other role is refused, and bad input is a 4xx."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from govid import clock
from govid.audit.models import Event
from govid.sms.models import Message
from govid.sso.models import User
from tests.backoffice.conftest import DOMAIN
from tests.conftest import PASSWORD
from tests.fuzz.strategies import any_text

pytestmark = pytest.mark.django_db

AN = "an.nguyen@soctrang.gov.vn"
CO_SO = f"co.so@{DOMAIN}"
PAGE = "/van-phong/ho-tro/"
OTHERS = ("officer", "reviewer", "auditor")


def text_of(response) -> str:
    """The page as read: addresses whole (the <wbr> that lets them wrap taken out)."""
    page = html.unescape(response.content.decode()).replace("<wbr>", "")
    return re.sub(r'<span class="address">(.*?)</span>', r"\1", page)


def hold(username: str = "an.nguyen") -> None:
    """Five wrong passwords: the login is held."""
    client = Client()
    for _ in range(5):
        client.post("/", {"username": username, "password": "Sai@Matkhau1"})


def signed_in_as_an() -> Client:
    client = Client()
    response = client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/tai-khoan/").status_code == 200
    return client


@pytest.mark.parametrize(
    "query",
    ["0912 345 678", "+84912345678", "84-912-345-678", "co.so", CO_SO, "CO.SO@SOCTRANG.GOV.VN",
     "Võ Minh Triết", "vo minh triet", "triết"],
)  # fmt: skip
def test_the_provider_finds_an_account_however_the_caller_says_it(world, query):
    response = world.client("provider").get(PAGE, {"q": query})
    page = text_of(response)
    assert response.status_code == 200
    assert CO_SO in page and "Võ Minh Triết" in page and "0912XXX678" in page
    assert "UBND thị trấn Huỳnh Hữu Nghĩa" in page
    assert "0912345678" not in page  # the number is masked
    assert f"khong.so@{DOMAIN}" not in page


def test_a_search_that_finds_nothing_says_so(world):
    page = text_of(world.client("provider").get(PAGE, {"q": "0999 999 999"}))
    assert "Không tìm thấy tài khoản nào." in page


def test_the_helpdesk_is_in_the_provider_menu_only(world):
    assert 'href="/van-phong/ho-tro/"' in text_of(world.client("provider").get("/van-phong/"))
    for who in OTHERS:
        assert 'href="/van-phong/ho-tro/"' not in text_of(world.client(who).get("/van-phong/"))


@pytest.mark.parametrize("query", ["a" * 5000, "x\x00y"])
def test_bad_input_is_a_vietnamese_4xx(world, query):
    response = world.client("provider").get(PAGE, {"q": query})
    assert 400 <= response.status_code < 500
    assert "Vui lòng" in text_of(response) or "không hợp lệ" in text_of(response)


def test_an_unknown_or_malformed_login_is_a_404(world):
    client = world.client("provider")
    assert client.get(f"{PAGE}nobody.here@{DOMAIN}/").status_code == 404
    assert client.get(f"{PAGE}not an address/").status_code == 404
    assert client.post(f"{PAGE}nobody.here@{DOMAIN}/go-tam-khoa/").status_code == 404


def test_the_picture_shows_the_hold_the_logins_and_the_sms(world, account, frozen):
    signed_in_as_an()
    hold()
    now = clock.now()
    Message.objects.create(
        to="+84393555121", account=AN, purpose="code", text="...", state="failed",
        last_error="ESME_RINVDSTADR: invalid destination", queued_at=now, next_attempt_at=now,
    )  # fmt: skip
    page = text_of(world.client("provider").get(f"{PAGE}{AN}/"))
    assert "Nguyễn Văn An" in page and "Phòng Văn hóa và Thông tin" in page
    assert "0393XXX121" in page and "0393555121" not in page
    assert "Đang tạm khóa đến 08:05 24/11/2026" in page
    assert "Nguyễn Văn An (an.nguyen@soctrang.gov.vn) đăng nhập — 24/11/2026 08:00" in page
    assert "đăng nhập sai mật khẩu" in page
    assert "không gửi được" in page and "ESME_RINVDSTADR: invalid destination" in page
    # The provider cannot file the request: the page says so and names who can.
    assert "Trung tâm không lập đề nghị thay đơn vị" in page


def test_the_picture_names_the_unit_officers_who_file_the_phone_request(world):
    page = text_of(world.client("provider").get(f"{PAGE}{CO_SO}/"))
    assert f'href="mailto:officer@{DOMAIN}"' in page
    assert f"Cán bộ officer (officer@{DOMAIN})" in page


def test_the_provider_ends_a_login_hold_and_it_is_audited(world, account, frozen):
    hold()
    client = world.client("provider")
    response = client.post(f"{PAGE}{AN}/go-tam-khoa/", follow=True)
    page = text_of(response)
    assert "Đã gỡ tạm khóa đăng nhập." in page and "Không bị tạm khóa" in page
    assert Event.objects.filter(
        action="login_hold_released", actor=world.logins["provider"], subject=AN
    ).exists()
    assert "gỡ tạm khóa đăng nhập của Nguyễn Văn An" in page
    assert signed_in_as_an()  # the right password works again at once


def test_ending_a_hold_that_is_not_there_changes_nothing(world, account):
    response = world.client("provider").post(f"{PAGE}{AN}/go-tam-khoa/", follow=True)
    assert "Tài khoản này không bị tạm khóa đăng nhập." in text_of(response)
    assert not Event.objects.filter(action="login_hold_released").exists()


def test_the_provider_ends_every_session_and_it_is_audited(world, account, frozen):
    user_client = signed_in_as_an()
    clock.advance(timedelta(seconds=1))
    response = world.client("provider").post(f"{PAGE}{AN}/dang-xuat/", follow=True)
    page = text_of(response)
    assert "Đã kết thúc mọi phiên đăng nhập và thu hồi mã truy cập." in page
    assert "kết thúc mọi phiên đăng nhập của Nguyễn Văn An" in page
    assert Event.objects.filter(
        action="helpdesk_access_ended", actor=world.logins["provider"], subject=AN
    ).exists()
    assert user_client.get("/tai-khoan/").status_code == 302  # back to the login page


@pytest.mark.parametrize("who", OTHERS)
def test_every_other_role_is_refused_the_page_and_the_actions(world, account, frozen, who):
    hold()
    client = world.client(who)
    assert client.get(PAGE, {"q": "an.nguyen"}).status_code == 403
    assert client.get(f"{PAGE}{AN}/").status_code == 403
    assert client.post(f"{PAGE}{AN}/go-tam-khoa/").status_code == 403
    assert client.post(f"{PAGE}{AN}/dang-xuat/").status_code == 403
    assert not Event.objects.filter(
        action__in=["login_hold_released", "helpdesk_access_ended"]
    ).exists()
    page = text_of(world.client("provider").get(f"{PAGE}{AN}/"))
    assert "Đang tạm khóa đến" in page  # still held


def test_the_actions_are_posts_with_a_csrf_token(world, account):
    client = world.client("provider")
    assert client.get(f"{PAGE}{AN}/go-tam-khoa/").status_code == 405
    assert client.get(f"{PAGE}{AN}/dang-xuat/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.get(login=world.logins["provider"]))
    assert strict.post(f"{PAGE}{AN}/dang-xuat/").status_code == 403
    assert not Event.objects.filter(action="helpdesk_access_ended").exists()


def test_a_provider_of_one_district_sees_only_its_accounts(world, account):
    from govid.backoffice.staff import grant
    from govid.directory.provision import add_account

    add_account(f"qt.mytu@{DOMAIN}", name="Quản trị Mỹ Tú", unit="MYTU-HHN", actor="test")
    grant(f"qt.mytu@{DOMAIN}", role="provider_admin", units=["MYTU"], actor="test")
    User.objects.create_user(f"qt.mytu@{DOMAIN}")
    client = Client()
    client.force_login(User.objects.get(login=f"qt.mytu@{DOMAIN}"))
    assert f"phuong1@{DOMAIN}" not in text_of(client.get(PAGE, {"q": "Lâm Quốc Bảo"}))
    assert client.get(f"{PAGE}phuong1@{DOMAIN}/").status_code == 404
    assert client.post(f"{PAGE}phuong1@{DOMAIN}/dang-xuat/").status_code == 404
    assert CO_SO in text_of(client.get(PAGE, {"q": "0912345678"}))


@given(query=st.one_of(any_text, st.sampled_from(["0912", "+84", "@", "%", "_", "84" * 60])))
def test_any_query_or_login_gives_a_page_or_a_4xx(world, query):
    client = world.client("provider")
    assert client.get(PAGE, {"q": query}).status_code in (200, 400)
    assert client.get(f"{PAGE}{quote(query, safe='')}/").status_code in (200, 400, 404)


def test_the_picture_counts_wrong_passwords_before_any_hold(world, account, frozen):
    client = Client()
    for _ in range(3):
        client.post("/", {"username": "an.nguyen", "password": "Sai@Matkhau1"})
    page = text_of(world.client("provider").get(f"{PAGE}{AN}/"))
    assert "Không bị tạm khóa" in page
    assert "<dt>Sai mật khẩu gần đây</dt><dd>3</dd>" in page


def test_looking_at_an_accounts_picture_is_audited_with_who_looked_at_whom(world, account):
    client = world.client("provider")
    assert client.get(f"{PAGE}{AN}/").status_code == 200
    looked = Event.objects.get(action="helpdesk_account_viewed")
    assert (looked.actor, looked.subject) == (world.logins["provider"], AN)
    assert looked.ip == "127.0.0.1"
    # The auditor reads it as a sentence, under "Tài khoản và đơn vị".
    page = text_of(world.client("auditor").get("/van-phong/nhat-ky/", {"kind": "accounts"}))
    assert (
        f"Cán bộ provider (provider@{DOMAIN}) xem thông tin tài khoản "
        f"Nguyễn Văn An ({AN}) (hỗ trợ người dùng)"
    ) in page


def test_a_search_alone_records_no_look(world, account):
    assert world.client("provider").get(PAGE, {"q": "an.nguyen"}).status_code == 200
    assert not Event.objects.filter(action="helpdesk_account_viewed").exists()
