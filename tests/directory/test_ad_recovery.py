"""The seed's flow over HTTP (Django's test client) with GOVID_DIRECTORY=ad on a real Active
Directory (a Samba AD DC): locks and refusals as the user sees them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from govid.directory import get_directory
from govid.directory.backends.ad import AdDirectory
from tests.servers.samba_ad import DISABLED, LOCKED, LOCKOUT, USER1, SambaAd

pytestmark = pytest.mark.once

PASSWORD = "Cu@Matkhau2025"
NEW_PASSWORD = "Moi#Matkhau2026"
SEED_ERROR = "Không tìm thấy Email hoặc Email bị khoá, vui lòng liên hệ quản trị!"


@pytest.fixture
def container(samba_ad: SambaAd, settings, db) -> Iterator[str]:
    """govid configured on a fresh OU of the AD, as a deployment's variables say."""
    dn = samba_ad.container()
    env = samba_ad.environment()
    settings.GOVID_DIRECTORY = {"backend": env.pop("GOVID_DIRECTORY")}
    settings.GOVID_LDAP = {name.removeprefix("GOVID_LDAP_").lower(): v for name, v in env.items()}
    yield dn
    directory = get_directory()
    if isinstance(directory, AdDirectory):
        directory.close()
    samba_ad.remove(dn)


def html(response) -> str:
    return response.content.decode()


def ask_code(client, sms, typed: str) -> str:
    client.post("/quen-mat-khau/", {"email": typed})
    response = client.post("/quen-mat-khau/lay-ma/")
    assert response.headers["Location"] == "/quen-mat-khau/dat-lai/", html(response)
    found = re.search(r"\d{6}", sms.sent[-1].text)
    assert found is not None
    return found.group(0)


def reset(client, code: str, password: str = NEW_PASSWORD):
    form = {"code": code, "password1": password, "password2": password}
    return client.post("/quen-mat-khau/dat-lai/", form)


@pytest.mark.parametrize("seeded", [LOCKED, DISABLED], ids=["locked out", "disabled"])
def test_locked_out_and_disabled_users_get_the_seed_error_and_stay_so(
    client, sms, samba_ad, container, seeded
):
    response = client.post("/quen-mat-khau/", {"email": seeded.login})
    assert SEED_ERROR in html(response)
    assert not sms.sent
    login = client.post("/", {"username": seeded.login, "password": seeded.password})
    assert "Tên tài khoản hoặc mật khẩu không đúng." in html(login)
    computed, control = samba_ad.read(
        seeded.dn, "msDS-User-Account-Control-Computed", "userAccountControl"
    )
    assert bool(computed & LOCKOUT) == (seeded is LOCKED)
    assert bool(control & 2) == (seeded is DISABLED)


def test_a_lockout_during_the_flow_is_refused_and_not_lifted(client, sms, samba_ad, container):
    dn = samba_ad.add_user(container, "an.khoagiua", password=PASSWORD, mobile="0393555123")
    code = ask_code(client, sms, "an.khoagiua")
    samba_ad.lock_out(dn)  # someone guesses at the mailbox while the SMS travels
    response = reset(client, code)
    assert response.status_code < 500
    assert "thanh-cong" not in response.headers.get("Location", "")
    [computed] = samba_ad.read(dn, "msDS-User-Account-Control-Computed")
    assert computed & LOCKOUT
    samba_ad.modify(dn, [(2, "lockoutTime", [b"0"])])  # the administrator unlocks: nothing changed
    assert samba_ad.binds(dn, PASSWORD) and not samba_ad.binds(dn, NEW_PASSWORD)


def test_ads_refusal_is_told_next_to_the_password_and_a_good_one_then_goes_through(
    client, sms, samba_ad, container, django_capture_on_commit_callbacks
):
    dn = samba_ad.add_user(
        container, "an.dodai", password=PASSWORD, name="Nguyễn Văn Độ", mobile="0393555124"
    )
    code = ask_code(client, sms, "an.dodai")
    samba_ad.set_min_password_length(16)  # a domain stricter than govid's own 8
    try:
        response = reset(client, code)
    finally:
        samba_ad.set_min_password_length(7)
    assert response.status_code == 400  # bad input: a 4xx with the message, never a 500
    page = html(response)
    assert 'id="id_password1_error"' in page
    assert "Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử." in page
    assert samba_ad.binds(dn, PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = reset(client, code)
    assert response.headers["Location"] == "/quen-mat-khau/thanh-cong/"
    assert samba_ad.binds(dn, NEW_PASSWORD) and not samba_ad.binds(dn, PASSWORD)


def test_the_seeded_user_logs_in_by_bare_name_with_the_ad_password(client, samba_ad, container):
    response = client.post("/", {"username": USER1.login, "password": USER1.password}, follow=True)
    assert "Tài khoản của tôi" in html(response) and USER1.name in html(response)
