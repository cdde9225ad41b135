"""Who must have a second factor: back-office roles and the administration, after a grace
period; sensitive actions ask for it again."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from django.test import Client

from govid import clock
from govid.audit.models import Event
from govid.backoffice.models import PhoneRequest, RoleGrant, State
from govid.directory.api import get_directory
from govid.sso.factors import totp
from govid.sso.factors.devices import has_factor
from govid.sso.models import User
from tests.backoffice import conftest as backoffice
from tests.backoffice.test_flow import filed, to_provider
from tests.conftest import PASSWORD

DOMAIN = backoffice.DOMAIN
world = backoffice.world  # the back office's staff, one per role

ENROL = "/tai-khoan/bao-mat/"
RECHECK = "/tai-khoan/bao-mat/xac-nhan/"
ROLES = "/van-phong/phan-quyen/"


def with_factor(login: str) -> str:
    """Enrol ``login``'s authenticator app; its secret."""
    secret = totp.start_enrolment(login)
    assert totp.confirm_enrolment(login, pyotp.TOTP(secret).at(clock.now()), ip=None)
    clock.advance(timedelta(seconds=30))
    return secret


def signed_in(login: str) -> Client:
    client = Client()
    user, _ = User.objects.get_or_create(login=login)
    client.force_login(user)
    return client


def test_the_administration_needs_a_factor_after_the_grace_period(administrator, frozen):
    assert administrator.get("/quan-tri/").status_code == 200  # the grace period starts
    clock.advance(timedelta(days=7, minutes=1))
    answer = administrator.get("/quan-tri/", follow=True)
    assert answer.redirect_chain[-1][0] == f"{ENROL}?next=%2Fquan-tri%2F"
    page = answer.content.decode()
    assert "cần thiết lập xác thực hai bước trước khi tiếp tục" in page
    assert "Để sau" not in page
    with_factor("quantri@soctrang.gov.vn")
    assert administrator.get("/quan-tri/").status_code == 200


def test_a_role_holder_without_a_factor_loses_the_back_office_after_the_grace(world, frozen):
    officer = world.client("officer")
    assert officer.get("/van-phong/").status_code == 200
    clock.advance(timedelta(days=8))
    answer = officer.get("/van-phong/")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{ENROL}?next=%2Fvan-phong%2F"
    # Someone without a role is not asked.
    assert world.client("nobody").get("/tai-khoan/").status_code == 200


def test_the_grace_period_is_a_setting(world, frozen, settings):
    settings.GOVID_FACTORS = {"grace_period": 0}
    answer = world.client("reviewer").get("/van-phong/")
    assert answer.headers["Location"].startswith(ENROL)


def test_which_roles_need_a_factor_is_a_setting(world, frozen, settings):
    settings.GOVID_FACTORS = {"grace_period": 0, "required_roles": "provider_admin"}
    assert world.client("reviewer").get("/van-phong/").status_code == 200
    assert world.client("provider").get("/van-phong/").status_code == 302


def test_sign_in_reminds_during_the_grace_and_forces_enrolment_after(world, frozen):
    login = world.logins["auditor"]
    directory = get_directory()
    account = directory.find(login)
    assert account is not None
    directory.set_password(account, PASSWORD)
    client = Client()
    answer = client.post("/", {"username": login, "password": PASSWORD})
    assert answer.headers["Location"] == "/tai-khoan/"
    assert (
        "cần bật xác thực hai bước trước ngày 01/12/2026"
        in client.get("/tai-khoan/").content.decode()
    )
    clock.advance(timedelta(days=8))
    again = Client()
    answer = again.post("/", {"username": login, "password": PASSWORD, "next": "/van-phong/"})
    assert answer.headers["Location"] == f"{ENROL}?next=%2Fvan-phong%2F"


def test_granting_a_role_asks_for_the_factor_again(world, frozen):
    login = world.logins["provider"]
    secret = with_factor(login)
    provider = signed_in(login)
    form = {"login": f"co.so@{DOMAIN}", "role": "auditor", "unit": ""}
    answer = provider.post(ROLES, form, HTTP_REFERER=f"http://testserver{ROLES}")
    assert answer.headers["Location"] == f"{RECHECK}?next=%2Fvan-phong%2Fphan-quyen%2F"
    assert not RoleGrant.objects.filter(login=f"co.so@{DOMAIN}").exists()
    checked = provider.post(RECHECK, {"code": pyotp.TOTP(secret).at(clock.now()), "next": ROLES})
    assert checked.headers["Location"] == ROLES
    assert provider.post(ROLES, form).status_code == 302
    assert RoleGrant.objects.filter(login=f"co.so@{DOMAIN}", role="auditor").exists()
    # Eleven minutes on, the next grant asks again.
    clock.advance(timedelta(minutes=11))
    form["login"] = f"khong.so@{DOMAIN}"
    assert provider.post(ROLES, form).headers["Location"].startswith(RECHECK)


def test_applying_a_phone_change_asks_for_the_factor_again(world, sms, frozen):
    login = world.logins["provider"]
    secret = with_factor(login)
    request = filed(world)
    to_provider(world, request)
    provider = signed_in(login)
    url = f"/van-phong/de-nghi/{request.pk}/chuyen/"
    answer = provider.post(url, {"action": "apply", "comment": ""})
    assert answer.headers["Location"].startswith(RECHECK)
    assert PhoneRequest.objects.get(pk=request.pk).state == State.FORWARDED
    provider.post(RECHECK, {"code": pyotp.TOTP(secret).at(clock.now())})
    assert provider.post(url, {"action": "apply", "comment": ""}).status_code == 302
    assert PhoneRequest.objects.get(pk=request.pk).state != State.FORWARDED


def test_a_wrong_code_on_the_recheck_is_refused(world, frozen):
    login = world.logins["provider"]
    with_factor(login)
    provider = signed_in(login)
    answer = provider.post(RECHECK, {"code": "000000", "next": ROLES})
    assert answer.status_code == 400
    assert "Mã xác thực không đúng hoặc đã được dùng." in answer.content.decode()


def test_the_helpdesk_removes_a_lost_factor_only_on_the_units_request(world, frozen):
    login = world.logins["officer"]
    with_factor(login)
    provider = world.client("provider")
    page = f"/van-phong/ho-tro/{login}/"
    assert "Mất thiết bị xác thực hai bước" in provider.get(page).content.decode()
    url = f"/van-phong/ho-tro/{login}/go-xac-thuc/"
    refused = provider.post(url, {"reference": "  "}, follow=True)
    assert "Vui lòng ghi số, ngày công văn đề nghị của đơn vị." in refused.content.decode()
    assert has_factor(login)
    done = provider.post(url, {"reference": "Công văn 12/UBND ngày 01/12/2026"}, follow=True)
    assert "Đã gỡ xác thực hai bước của tài khoản này." in done.content.decode()
    assert not has_factor(login)
    event = Event.objects.filter(action="factor_removed", subject=login).latest("seq")
    assert event.actor == world.logins["provider"]
    assert event.data["request"] == "Công văn 12/UBND ngày 01/12/2026"
    # An officer cannot do it.
    assert world.client("officer").post(url, {"reference": "x"}).status_code == 403
