"""Trust boundaries, tried as the people who hold an account would try them: a unit officer, an
administrator scoped to one district, a session holder. Each goes through the pages and
commands that role really has; each path was open before and must stay closed.

The world (tests/backoffice/conftest.py): units MYTU-HHN (in district MYTU) and TPST-P1 (in
TPST); the officer of MYTU-HHN, the reviewers of MYTU and TPST, a province-wide provider
administrator, an auditor; ``co.so`` (phone 0912 345 678) and ``khong.so`` (none) in MYTU-HHN.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from govid import clock
from govid.audit.models import Event
from govid.backoffice.models import PhoneRequest, RoleGrant
from govid.backoffice.staff import grant
from govid.directory import get_directory
from govid.directory.models import StoredAccount
from govid.directory.provision import add_account
from govid.recovery.models import Challenge
from govid.sso.models import User
from tests.backoffice.test_scan import PDF
from tests.conftest import NEW_PASSWORD, PASSWORD

DOMAIN = "soctrang.gov.vn"
VICTIM = f"co.so@{DOMAIN}"
VICTIM_PHONE = "+84912345678"
ATTACKER_PHONE = "0399 888 777"  # the officer's own mobile
ROLES = "/van-phong/phan-quyen/"


def page_text(response) -> str:
    """The page as read: addresses whole (the <wbr> that lets them wrap taken out)."""
    return response.content.decode().replace("<wbr>", "")


def file_line(client: Client, login: str, phone: str, *, unit: str = "MYTU-HHN") -> int:
    """The unit officer's pages: a new request with one line and the signed scan; the
    request's number."""
    created = client.post("/van-phong/de-nghi/moi/", {"unit": unit})
    assert created.status_code == 302, page_text(created)
    pk = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    added = client.post(
        f"/van-phong/de-nghi/{pk}/them/", {"login": login, "phone": phone, "reason": "Đổi số"}
    )
    assert added.status_code in (302, 400), page_text(added)
    scan = io.BytesIO(PDF)
    scan.name = "ban-ky.pdf"
    attached = client.post(f"/van-phong/de-nghi/{pk}/ban-quet/", {"scan": scan})
    assert attached.status_code == 302, page_text(attached)
    return pk


def move(client: Client, pk: int, action: str, comment: str = ""):
    return client.post(f"/van-phong/de-nghi/{pk}/chuyen/", {"action": action, "comment": comment})


def recover_with_code(client: Client, sms, login: str) -> int:
    """Steps 2 and 3 of the seed's recovery; the status of "Lấy mã xác nhận"."""
    client.post("/quen-mat-khau/", {"email": login})
    return int(client.post("/quen-mat-khau/lay-ma/").status_code)


# --- a unit officer -------------------------------------------------------------------------


def test_an_officer_cannot_replace_a_number_through_the_import_and_take_the_mailbox(world, sms):
    officer = world.client("officer")
    upload = io.BytesIO(f"email,phone\nco.so,{ATTACKER_PHONE}\n".encode())
    upload.name = "sdt.csv"
    location = officer.post("/van-phong/nhap/", {"file": upload}).headers["Location"]
    preview = officer.get(location)
    assert preview.status_code == 400
    assert "số mới chỉ thay số cũ qua đề nghị của đơn vị" in page_text(preview)
    assert officer.post(location + "cap-nhat/").status_code == 400
    assert get_directory().find(VICTIM).phone == VICTIM_PHONE
    # The recovery still goes to the owner's number, never the officer's.
    Client().post("/quen-mat-khau/", {"email": "co.so"})
    assert not any(m.to == "+84399888777" for m in sms.sent)
    assert not Event.objects.filter(action="phone_changed").exists()


def test_an_officer_cannot_propose_a_number_for_the_administrators_own_account(world):
    """The provider's administrator works in the officer's unit: still out of its reach."""
    officer = world.client("officer")
    provider_login = world.logins["provider"]
    pk = file_line(officer, provider_login, ATTACKER_PHONE)
    page = page_text(officer.get(f"/van-phong/de-nghi/{pk}/"))
    assert not PhoneRequest.objects.get(pk=pk).lines.exists()
    answer = officer.post(
        f"/van-phong/de-nghi/{pk}/them/",
        {"login": provider_login, "phone": ATTACKER_PHONE, "reason": "Đổi số"},
    )
    assert answer.status_code == 400
    assert "đơn vị không đề nghị đổi số điện thoại của tài khoản này" in page_text(answer)
    assert "Chưa có tài khoản nào" in page or provider_login not in page


def test_one_person_holding_every_role_cannot_carry_a_replacement_alone(world, sms):
    """A province-wide administrator gives itself the unit's and the district's roles (not
    wider than its own), then tries to propose, review and apply its own number."""
    provider = world.client("provider")
    me = world.logins["provider"]
    for role, unit in (("unit_officer", "MYTU-HHN"), ("district_reviewer", "MYTU")):
        assert provider.post(ROLES, {"login": me, "role": role, "unit": unit}).status_code == 302
    pk = file_line(provider, "co.so", ATTACKER_PHONE)
    assert move(provider, pk, "submit").status_code == 302
    refused = move(provider, pk, "forward")
    assert refused.status_code == 403
    assert "Mỗi bước phải do một người khác thực hiện" in page_text(refused)
    assert move(world.client("reviewer"), pk, "forward").status_code == 302
    assert move(provider, pk, "apply").status_code == 403  # it proposed it
    assert get_directory().find(VICTIM).phone == VICTIM_PHONE
    assert sms.sent == []


def test_a_replacement_tells_both_numbers_and_the_new_one_waits_a_day(
    world, sms, frozen, django_capture_on_commit_callbacks
):
    officer = world.client("officer")
    pk = file_line(officer, "co.so", "0987 111 222")
    assert move(officer, pk, "submit").status_code == 302
    assert move(world.client("reviewer"), pk, "forward").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert move(world.client("provider"), pk, "apply").status_code == 302
    assert {m.to for m in sms.sent} == {"+84987111222", VICTIM_PHONE}

    person = Client()
    person.post("/quen-mat-khau/", {"email": "co.so"})
    page = person.get("/quen-mat-khau/so-dien-thoai/")
    text = page_text(page)
    assert "0987XXX222" in text
    assert "mã xác nhận chỉ được gửi tới số mới từ 08:00 ngày 25/11/2026" in text
    assert "0299 3 888 999" in text  # the support contact
    assert "Lấy mã xác nhận" not in text
    sent = len(sms.sent)
    assert person.post("/quen-mat-khau/lay-ma/").status_code == 403  # the button, forced
    assert len(sms.sent) == sent

    clock.advance(timedelta(hours=24, seconds=1))
    assert person.post("/quen-mat-khau/lay-ma/").status_code == 302
    assert sms.sent[-1].to == "+84987111222"


def test_a_phone_change_ends_a_code_already_sent_to_the_old_number(
    world, sms, django_capture_on_commit_callbacks
):
    stranger = Client()
    assert recover_with_code(stranger, sms, "co.so") == 302
    old_code = re.search(r"\d{6}", sms.sent[-1].text)[0]
    officer = world.client("officer")
    pk = file_line(officer, "co.so", "0987 111 222")
    move(officer, pk, "submit")
    move(world.client("reviewer"), pk, "forward")
    with django_capture_on_commit_callbacks(execute=True):
        move(world.client("provider"), pk, "apply")
    reset = stranger.post(
        "/quen-mat-khau/dat-lai/",
        {"code": old_code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert reset.status_code == 302 and reset.headers["Location"] != "/quen-mat-khau/thanh-cong/"
    assert Challenge.objects.filter(login=VICTIM, end_reason="ended").exists()
    assert not Event.objects.filter(action="password_reset").exists()


def test_the_admin_site_changes_neither_a_number_nor_a_lock_by_editing(world, administrator):
    row = StoredAccount.objects.get(login=VICTIM)
    page = page_text(administrator.get(f"/quan-tri/directory/storedaccount/{row.pk}/change/"))
    assert 'name="phone"' not in page and 'name="locked"' not in page
    administrator.post(
        f"/quan-tri/directory/storedaccount/{row.pk}/change/",
        {"name": row.name, "unit": row.unit_id, "phone": "+84399888777", "locked": "on"},
    )
    row.refresh_from_db()
    assert (row.phone, row.locked) == (VICTIM_PHONE, False)


# --- an administrator scoped to one district -------------------------------------------------


@pytest.fixture
def district_admin(world) -> tuple[str, Client]:
    """A provider administrator for district MYTU only."""
    login = f"qt.mytu@{DOMAIN}"
    add_account(login, name="Quản trị Mỹ Tú", unit="MYTU-HHN", actor="test")
    grant(login, role="provider_admin", units=["MYTU"], actor="test")
    client = Client()
    client.force_login(User.objects.create_user(login))
    return login, client


def test_a_district_administrator_cannot_make_itself_province_wide(world, district_admin):
    login, client = district_admin
    answer = client.post(ROLES, {"login": login, "role": "provider_admin", "unit": ""})
    assert answer.status_code == 403
    assert "Chỉ quản trị viên toàn tỉnh mới cấp hoặc thu hồi quyền trên toàn tỉnh." in page_text(
        answer
    )
    assert not RoleGrant.objects.filter(login=login, unit_code="").exists()
    refused = Event.objects.get(action="role_change_refused")
    assert (refused.actor, refused.subject, refused.data["reason"]) == (
        login,
        login,
        "wider_than_own",
    )
    # Another district is beyond it too, even for a smaller role.
    other = client.post(ROLES, {"login": login, "role": "district_reviewer", "unit": "TPST"})
    assert other.status_code in (400, 403)
    assert "nằm ngoài phạm vi quản trị của bạn" in page_text(other)
    assert not RoleGrant.objects.filter(login=login, unit_code="TPST").exists()
    # Within its district it works.
    assert client.post(ROLES, {"login": "co.so", "role": "auditor", "unit": "MYTU"}).status_code


def test_a_district_administrator_cannot_revoke_the_others(world, district_admin):
    login, client = district_admin
    for who in ("provider", "other_reviewer"):
        target = RoleGrant.objects.get(login=world.logins[who])
        answer = client.post(f"{ROLES}{target.pk}/thu-hoi/", follow=True)
        assert "Chỉ quản trị viên toàn tỉnh" in page_text(answer) or (
            "nằm ngoài phạm vi quản trị của bạn" in page_text(answer)
        )
        assert RoleGrant.objects.filter(pk=target.pk).exists()
    assert Event.objects.filter(action="role_change_refused", actor=login).count() == 2
    # The roles page does not even list grants beyond its district.
    listed = page_text(client.get(ROLES))
    assert world.logins["other_reviewer"] not in listed


def test_the_last_province_wide_administrator_stays(world):
    provider = world.logins["provider"]
    with pytest.raises(CommandError, match="last province-wide administrator"):
        call_command("staff", "remove", provider, "--role", "provider_admin", stdout=StringIO())
    second = f"qt.tinh@{DOMAIN}"
    add_account(second, name="Quản trị tỉnh", unit="MYTU-HHN", actor="test")
    grant(second, role="provider_admin", units=[], actor="test")
    client = Client()
    client.force_login(User.objects.create_user(second))
    target = RoleGrant.objects.get(login=provider, role="provider_admin")
    assert client.post(f"{ROLES}{target.pk}/thu-hoi/").status_code == 302
    assert not RoleGrant.objects.filter(pk=target.pk).exists()
    own = RoleGrant.objects.get(login=second)
    page = page_text(client.post(f"{ROLES}{own.pk}/thu-hoi/", follow=True))
    assert "Bạn không thể tự thu hồi quyền quản trị của mình." in page
    assert RoleGrant.objects.filter(login=second, role="provider_admin").exists()


# --- a session holder ------------------------------------------------------------------------


def signed_in(login: str = "an.nguyen", *, remember: bool = True) -> Client:
    client = Client()
    data = {"username": login, "password": PASSWORD}
    if remember:
        data["remember"] = "on"
    assert client.post("/", data).status_code == 302
    return client


def test_a_lock_ends_a_remembered_session_its_tokens_and_its_code(account, sms):
    holder = signed_in()
    assert holder.get("/tai-khoan/").status_code == 200
    assert recover_with_code(Client(), sms, "an.nguyen") == 302
    call_command("accounts", "lock", "an.nguyen", stdout=StringIO())
    answer = holder.get("/tai-khoan/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/?next=")
    assert Challenge.objects.filter(login=account.login, end_reason="ended").count() == 1
    assert signed_in_status("an.nguyen") == 400  # and no new session either


def tokens_of(login: str) -> tuple[int, int]:
    """(live access tokens, unrevoked refresh tokens) a relying party holds for ``login``."""
    from oauth2_provider.models import AccessToken, RefreshToken

    user = User.objects.get(login=login)
    refresh = RefreshToken.objects.filter(user=user, revoked__isnull=True)
    return AccessToken.objects.filter(user=user).count(), refresh.count()


def test_a_lock_revokes_what_relying_parties_hold(account):
    from oauth2_provider.models import AccessToken, Application, RefreshToken

    signed_in()
    user = User.objects.get(login=account.login)
    app = Application.objects.create(
        name="Một cửa", client_type="confidential", authorization_grant_type="authorization-code"
    )
    expires = clock.now() + timedelta(minutes=10)
    access = AccessToken.objects.create(
        user=user, application=app, token="a" * 40, expires=expires, scope="openid"
    )
    RefreshToken.objects.create(user=user, application=app, token="r" * 40, access_token=access)
    assert tokens_of(account.login) == (1, 1)
    call_command("accounts", "lock", "an.nguyen", stdout=StringIO())
    assert tokens_of(account.login) == (0, 0)
    assert Event.objects.filter(action="tokens_revoked", subject=account.login).exists()


def signed_in_status(login: str) -> int:
    return int(Client().post("/", {"username": login, "password": PASSWORD}).status_code)


def test_a_lock_made_in_the_directory_itself_closes_the_back_office_at_once(world):
    """As when the mail system's administrator locks the entry in its own LDAP tool."""
    officer = world.client("officer")
    assert officer.get("/van-phong/").status_code == 200
    StoredAccount.objects.filter(login=world.logins["officer"]).update(locked=True)
    answer = officer.get("/van-phong/")
    assert answer.status_code == 302 and "next=" in answer.headers["Location"]
    assert officer.get("/van-phong/de-nghi/moi/").status_code == 302


def test_a_revoked_role_ends_the_staff_members_sessions(world):
    officer = world.client("officer")
    assert officer.get("/van-phong/").status_code == 200
    target = RoleGrant.objects.get(login=world.logins["officer"])
    assert world.client("provider").post(f"{ROLES}{target.pk}/thu-hoi/").status_code == 302
    answer = officer.get("/van-phong/")
    assert answer.status_code == 302  # signed out, not merely refused
    assert officer.get("/tai-khoan/").status_code == 302


def test_the_current_password_cannot_be_guessed_on_the_account_page(account, frozen):
    holder = signed_in(remember=False)
    guesses = [
        holder.post(
            "/tai-khoan/",
            {
                "old_password": f"Sai@Matkhau{n}",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
        for n in range(6)
    ]
    assert [g.status_code for g in guesses] == [400, 400, 400, 400, 429, 429]
    assert "tạm thời không đăng nhập được" in page_text(guesses[-1])
    right = holder.post(
        "/tai-khoan/",
        {"old_password": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert right.status_code == 429  # held: the right one too, until the hold ends
    assert Event.objects.filter(action="password_change_failed").count() == 5
    assert Event.objects.filter(action="login_held", subject=account.login).count() == 1


def test_a_disabled_login_and_a_removed_power_end_the_sessions(account, administrator):
    holder = signed_in()
    user = User.objects.get(login=account.login)
    user.is_staff = True
    user.save()
    administrator.post(
        f"/quan-tri/sso/user/{user.pk}/change/",
        {"name": user.name, "is_active": "on", "is_superuser": ""},
    )
    assert holder.get("/tai-khoan/").status_code == 302
    assert Event.objects.filter(action="user_changed", subject=account.login).exists()


# --- the seed's "Gửi lại" after expiry -------------------------------------------------------


def test_resend_after_expiry_keeps_the_person_on_the_new_code(account, sms, frozen):
    person = Client()
    assert recover_with_code(person, sms, "an.nguyen") == 302
    clock.advance(timedelta(minutes=6))  # the first code expired
    person.post("/quen-mat-khau/gui-lai/")
    new_code = re.search(r"\d{6}", sms.sent[-1].text)[0]
    assert len(sms.sent) == 2
    done = person.post(
        "/quen-mat-khau/dat-lai/",
        {"code": new_code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done.headers["Location"] == "/quen-mat-khau/thanh-cong/"
