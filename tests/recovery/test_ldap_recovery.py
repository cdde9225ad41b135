"""The seed's flow and the SSO login over HTTP, with GOVID_DIRECTORY=ldap on a real slapd."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from govid.directory import get_directory
from govid.directory.backends.ldap import LdapDirectory
from govid.directory.models import StoredAccount
from govid.sso.models import User
from tests.servers.slapd import PERMANENT_LOCK, Slapd

PASSWORD = "Cu@Matkhau2025"
NEW_PASSWORD = "Moi#Matkhau2026"
SEED_ERROR = "Không tìm thấy Email hoặc Email bị khoá, vui lòng liên hệ quản trị!"
UNAVAILABLE = "Dịch vụ tạm thời gián đoạn"


@dataclass
class Site:
    slapd: Slapd
    unit: str

    def person(self, uid: str, **kwargs) -> str:
        kwargs.setdefault("password", PASSWORD)
        kwargs.setdefault("mobile", ["0393 555 121"])
        return self.slapd.add_person(self.unit, uid, **kwargs)


@pytest.fixture
def site(running_slapd: Slapd, settings, db):
    base = running_slapd.container("MYTU-VHTT")
    env = running_slapd.environment(base_dn=base)
    settings.GOVID_DIRECTORY = {"backend": env.pop("GOVID_DIRECTORY")}
    settings.GOVID_LDAP = {name.removeprefix("GOVID_LDAP_").lower(): v for name, v in env.items()}
    yield Site(running_slapd, f"ou=MYTU-VHTT,{base}")
    directory = get_directory()
    if isinstance(directory, LdapDirectory):
        directory.close()


def html(response) -> str:
    return response.content.decode()


def ask_code(client, sms, typed):
    """Steps 2 and 3: the address, then "Lấy mã xác nhận"; the code from the SMS."""
    client.post("/quen-mat-khau/", {"email": typed})
    response = client.post("/quen-mat-khau/lay-ma/")
    assert response.headers["Location"] == "/quen-mat-khau/dat-lai/", html(response)
    return re.search(r"\d{6}", sms.sent[-1].text).group(0)


def reset(client, code: str, password: str = NEW_PASSWORD):
    form = {"code": code, "password1": password, "password2": password}
    return client.post("/quen-mat-khau/dat-lai/", form)


def test_the_seed_flow_resets_the_password_in_the_directory(
    client, sms, site, django_capture_on_commit_callbacks
):
    dn = site.person("an.nguyen")
    response = client.post("/quen-mat-khau/", {"email": "an.nguyen"}, follow=True)
    assert "0393XXX121" in html(response)
    code = ask_code(client, sms, "an.nguyen")
    with django_capture_on_commit_callbacks(execute=True):
        response = reset(client, code)
    assert response.headers["Location"] == "/quen-mat-khau/thanh-cong/"
    assert site.slapd.binds(dn, NEW_PASSWORD)
    assert not site.slapd.binds(dn, PASSWORD)
    assert "da duoc thay doi" in sms.sent[-1].text  # the notice after the change
    assert not StoredAccount.objects.exists()  # the account was never copied


def test_a_directory_user_logs_in_and_only_a_stable_id_is_kept(client, site):
    site.person("an.nguyen", name="Nguyễn Văn An")
    wrong = client.post("/", {"username": "an.nguyen", "password": "Sai@Matkhau2025"})
    assert "Tên tài khoản hoặc mật khẩu không đúng." in html(wrong)
    response = client.post("/", {"username": "an.nguyen", "password": PASSWORD}, follow=True)
    page = html(response)
    assert "Tài khoản của tôi" in page and "Nguyễn Văn An" in page and "0393XXX121" in page
    user = User.objects.get()
    assert user.login == "an.nguyen@soctrang.gov.vn" and user.sub
    assert not user.has_usable_password()


def test_a_locked_entry_gets_the_seed_error_and_stays_locked(client, sms, site):
    dn = site.person("cuong.le", locked=True)
    response = client.post("/quen-mat-khau/", {"email": "cuong.le"})
    assert SEED_ERROR in html(response)
    assert not sms.sent
    login = client.post("/", {"username": "cuong.le", "password": PASSWORD})
    assert "Tên tài khoản hoặc mật khẩu không đúng." in html(login)
    assert site.slapd.read(dn, "pwdAccountLockedTime")["pwdaccountlockedtime"] == [PERMANENT_LOCK]


def test_an_entry_without_a_mobile_gets_the_seed_error(client, sms, site):
    site.person("vnpt_testvpdt3", mobile=["0299 3 888 999"])  # a landline takes no SMS
    response = client.post("/quen-mat-khau/", {"email": "vnpt_testvpdt3"})
    assert SEED_ERROR in html(response)
    assert not sms.sent


def test_a_lock_set_during_the_flow_is_never_lifted_by_the_reset(client, sms, site):
    dn = site.person("an.nguyen")
    code = ask_code(client, sms, "an.nguyen")
    site.slapd.lock(dn)  # the administrator locks the mailbox while the SMS travels
    response = reset(client, code)
    assert SEED_ERROR in html(response)
    assert site.slapd.read(dn, "pwdAccountLockedTime")["pwdaccountlockedtime"] == [PERMANENT_LOCK]
    assert len(sms.sent) == 1  # no "password changed" notice


def test_the_directory_policy_refusal_reaches_the_user_and_the_code_stays(client, sms, site):
    dn = site.person("an.nguyen")
    code = ask_code(client, sms, "an.nguyen")
    response = reset(client, code, "Ngan#Mk2026")  # govid's rule takes 11 characters
    assert response.status_code == 400
    assert re.search(
        r'id="id_password1_error"><li>Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử.',
        html(response),
    )
    assert site.slapd.binds(dn, PASSWORD)
    client.cookies["govid_language"] = "en"
    response = reset(client, code, "Ngan#Mk2026")
    assert "The password is too short for the mail system&#x27;s rules." in html(response)
    assert reset(client, code).headers["Location"] == "/quen-mat-khau/thanh-cong/"
    assert site.slapd.binds(dn, NEW_PASSWORD)


class GoesDownAtTheWrite(LdapDirectory):
    """slapd stops after the code was checked and used up, right as the password is written."""

    slapd: Slapd

    def set_password(self, account, password):
        self.slapd.stop()
        super().set_password(account, password)


def test_the_directory_going_down_at_the_write_gives_the_503_page_and_no_change(
    client, sms, site, settings, caplog
):
    dn = site.person("an.nguyen")
    code = ask_code(client, sms, "an.nguyen")
    GoesDownAtTheWrite.slapd = site.slapd
    settings.GOVID_DIRECTORY = {"backend": f"{__name__}.GoesDownAtTheWrite"}
    response = reset(client, code)
    assert response.status_code == 503
    assert UNAVAILABLE in html(response)
    assert "Chưa có thay đổi nào được lưu." in html(response)
    assert "directory unavailable during POST /quen-mat-khau/dat-lai/" in caplog.text
    assert NEW_PASSWORD not in caplog.text and code not in caplog.text
    site.slapd.start()
    assert site.slapd.binds(dn, PASSWORD)
    settings.GOVID_DIRECTORY = {"backend": "ldap"}
    # The same code again, once the directory is back: the failed attempt did not use it up.
    assert reset(client, code).headers["Location"] == "/quen-mat-khau/thanh-cong/"
    assert site.slapd.binds(dn, NEW_PASSWORD)


def test_a_stopped_directory_gives_the_503_page_at_every_step(client, sms, site):
    site.person("an.nguyen")
    code = ask_code(client, sms, "an.nguyen")
    site.slapd.stop()
    for response in (
        client.post("/quen-mat-khau/", {"email": "an.nguyen"}),
        reset(client, code),
        client.post("/", {"username": "an.nguyen", "password": PASSWORD}),
    ):
        assert response.status_code == 503
        assert UNAVAILABLE in html(response)
