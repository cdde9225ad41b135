"""Sign-ins, second factors and the federation's registrations tried by those who hold an
account but not the right: a plain civil servant, a unit officer, a provider administrator
scoped to one district, a staff member of the administration without permissions.

Each attempt is refused, changes nothing and tells nothing: another person's sign-in stays
alive (and its systems are not told), a second factor stays, no SP, CAS service or OIDC client
is added or removed. The world (tests/backoffice/conftest.py): ``co.so`` in MYTU-HHN of
district MYTU, ``phuong1`` in TPST-P1 of district TPST; ``an.nguyen`` signs in with a password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from django.test import Client
from oauth2_provider.models import Application

from govid import clock
from govid.audit.models import Event
from govid.backoffice.staff import grant
from govid.directory.provision import add_account
from govid.sso import signins
from govid.sso.cas.models import CasService
from govid.sso.cas.services import add_service
from govid.sso.clients import add_client
from govid.sso.factors import totp
from govid.sso.factors.devices import has_factor
from govid.sso.models import SignIn, User
from govid.sso.saml.models import ServiceProvider
from tests.conftest import PASSWORD
from tests.sso.test_saml import make_sp

DOMAIN = "soctrang.gov.vn"
VICTIM = f"an.nguyen@{DOMAIN}"
DESK = "/van-phong/ho-tro/"


def _password_sign_in() -> Client:
    client = Client()
    assert client.post("/", {"username": "an.nguyen", "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def told() -> Iterator[list[str]]:
    """The systems whose back-channel logout was sent (a protocol of the test's own)."""
    sent: list[str] = []
    signins.register_logout("test", back=lambda visit: sent.append(visit.party))
    yield sent
    signins._LOGOUTS.pop("test", None)


@pytest.fixture
def victim(world, account, told) -> Client:
    """``an.nguyen`` signed in, the sign-in having reached one system."""
    client = _password_sign_in()
    sign_in = SignIn.objects.get(sid=client.session[signins.SID])
    signins.record_visit_of(sign_in, protocol="test", party="mot-cua", subject="an")
    return client


def _same_page(response) -> str:
    """The page without what differs on every answer (the nonce, the request's id)."""
    page = response.content.decode()
    return re.sub(r'(nonce|csrfmiddlewaretoken" value)="[^"]*"|\b[0-9a-f]{32}\b', "", page)


def _alive(victim: Client, told: list[str]) -> None:
    assert victim.get("/tai-khoan/").status_code == 200
    assert SignIn.objects.get(sid=victim.session[signins.SID]).ended_at is None
    assert told == []


# --- another person's sign-in -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["nobody", "officer", "provider"])
def test_no_one_ends_another_persons_sign_in_from_their_account_page(world, victim, told, who):
    attacker = world.client(who)
    sid = victim.session[signins.SID]
    theirs = attacker.post(f"/tai-khoan/phien/{sid}/dang-xuat/")
    fake = "khong-co-phien-nay"
    made_up = attacker.post(f"/tai-khoan/phien/{fake}/dang-xuat/")
    # Refused exactly as a sid that does not exist: nothing says the sid is someone's.
    assert theirs.status_code == made_up.status_code == 404
    assert _same_page(theirs).replace(sid, fake) == _same_page(made_up)
    assert attacker.post("/tai-khoan/phien/dang-xuat-noi-khac/").status_code == 302
    _alive(victim, told)
    assert not Event.objects.filter(action="sign_in_ended").exists()


@pytest.mark.django_db(transaction=True)
def test_a_forged_cross_site_form_does_not_sign_the_person_out(victim, told):
    """A page elsewhere posting to "Đăng xuất" in the person's own browser: no CSRF token."""
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = victim.cookies
    sid = victim.session[signins.SID]
    assert forged.post(f"/tai-khoan/phien/{sid}/dang-xuat/").status_code == 403
    assert forged.post("/tai-khoan/phien/dang-xuat-noi-khac/").status_code == 403
    assert forged.get(f"/tai-khoan/phien/{sid}/dang-xuat/").status_code == 405
    _alive(victim, told)


@pytest.mark.django_db(transaction=True)
def test_someone_signed_out_cannot_end_a_sign_in(victim, told):
    sid = victim.session[signins.SID]
    answer = Client().post(f"/tai-khoan/phien/{sid}/dang-xuat/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/?next=")
    _alive(victim, told)


# --- the helpdesk's second-factor removal --------------------------------------------------


def _with_factor(login: str) -> None:
    secret = totp.start_enrolment(login)
    assert totp.confirm_enrolment(login, pyotp.TOTP(secret).at(clock.now()), ip=None)


@pytest.fixture
def district_admin(world) -> Client:
    """A provider administrator for district MYTU only."""
    login = f"qt.mytu@{DOMAIN}"
    add_account(login, name="Quản trị Mỹ Tú", unit="MYTU-HHN", actor="test")
    grant(login, role="provider_admin", units=["MYTU"], actor="test")
    client = Client()
    client.force_login(User.objects.get_or_create(login=login)[0])
    return client


def test_a_district_administrator_cannot_remove_a_factor_beyond_its_district(world, district_admin):
    far, near = f"phuong1@{DOMAIN}", f"co.so@{DOMAIN}"
    _with_factor(far)
    _with_factor(near)
    form = {"reference": "Công văn 1/UBND"}
    refused = district_admin.post(f"{DESK}{far}/go-xac-thuc/", form)
    unknown = district_admin.post(f"{DESK}khong.co.ai@{DOMAIN}/go-xac-thuc/", form)
    assert refused.status_code == unknown.status_code == 404
    assert has_factor(far)
    assert not Event.objects.filter(action="factor_removed").exists()
    # Within its district the same person, the same form, works: the refusal is the scope.
    assert district_admin.post(f"{DESK}{near}/go-xac-thuc/", form).status_code == 302
    assert not has_factor(near)


@pytest.mark.parametrize("who", ["nobody", "officer", "reviewer", "auditor"])
def test_roles_without_the_right_cannot_remove_a_factor(world, who):
    target = f"co.so@{DOMAIN}"
    _with_factor(target)
    answer = world.client(who).post(f"{DESK}{target}/go-xac-thuc/", {"reference": "Công văn 1"})
    assert answer.status_code == 403
    assert has_factor(target)
    assert not Event.objects.filter(action="factor_removed").exists()


# --- registering and removing the systems ----------------------------------------------


@pytest.fixture
def registered(tmp_path: Path, world) -> dict[str, str]:
    """One system of each protocol, registered by the administrator's command line."""
    sp = make_sp(tmp_path / "sp", "https://vanphong.soctrang.gov.vn/saml/sp")
    add_service("Một cửa", service_url="https://motcua.soctrang.gov.vn/", single_logout=False,
                actor="cli")  # fmt: skip
    application, _secret = add_client(
        "Nhân sự", redirect_uris=["https://nhansu.soctrang.gov.vn/cb"], actor="cli"
    )
    return {
        "sp": str(ServiceProvider.objects.get(entity_id=sp.entity_id).pk),
        "client": str(application.pk),
    }


def _plain_staff() -> Client:
    """Staff of the administration (/quan-tri/) without a single permission, not superuser."""
    login = f"nhan.vien@{DOMAIN}"
    add_account(login, name="Nhân viên", unit="MYTU-HHN", actor="test")
    user, _ = User.objects.get_or_create(login=login)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def _admin_attempts(client: Client, registered: dict[str, str]) -> list[int]:
    sp, app = registered["sp"], registered["client"]
    saml, oidc = "/quan-tri/sso/serviceprovider/", "/quan-tri/oauth2_provider/application/"
    answers = [
        client.get(saml),
        client.get(f"{saml}{sp}/change/"),
        client.post(f"{saml}{sp}/change/", {"name": "Đổi tên", "attribute_map": "{}"}),
        client.post(f"{saml}{sp}/delete/", {"post": "yes"}),
        client.post(f"{saml}add/", {"name": "x", "entity_id": "https://x.vn"}),
        client.get(oidc),
        client.post(f"{oidc}add/", {"name": "Kẻ lạ", "client_type": "confidential"}),
        client.post(f"{oidc}{app}/change/", {"name": "Đổi tên"}),
        client.post(f"{oidc}{app}/delete/", {"post": "yes"}),
        client.post("/quan-tri/sso/casservice/add/", {"name": "x"}),
    ]
    return [answer.status_code for answer in answers]


def _nothing_registered_changed(registered: dict[str, str]) -> None:
    assert ServiceProvider.objects.get(pk=registered["sp"]).name != "Đổi tên"
    assert list(Application.objects.values_list("name", flat=True)) == ["Nhân sự"]
    assert list(CasService.objects.values_list("name", flat=True)) == ["Một cửa"]
    changed = Event.objects.filter(action__in=["client_added", "client_changed", "client_removed"])
    assert [e.actor for e in changed] == ["cli", "cli", "cli"]  # the registrations themselves


@pytest.mark.parametrize("who", ["nobody", "officer", "provider"])
def test_no_back_office_role_reaches_the_registrations(world, registered, who, district_admin):
    client = district_admin if who == "provider" else world.client(who)
    for status in _admin_attempts(client, registered):
        assert status == 302  # to the administration's login: not staff at all
    _nothing_registered_changed(registered)


def test_staff_without_permissions_are_refused_every_registration(world, registered):
    statuses = _admin_attempts(_plain_staff(), registered)
    assert set(statuses) <= {403, 404}, statuses
    _nothing_registered_changed(registered)
