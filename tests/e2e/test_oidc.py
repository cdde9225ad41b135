"""The OpenID Connect provider, driven by Authlib against govid under gunicorn."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
import requests

from tests.e2e.conftest import serve
from tests.e2e.oidc import (
    POST_LOGOUT_URI,
    REDIRECT_URI,
    Browser,
    RelyingParty,
    add_client,
    callback_params,
    new_account,
)

pytestmark = pytest.mark.e2e


def sign_in(live, rp: RelyingParty, login: str, *, consent: bool = True, **extra: str):
    """The person's side: authorization URL, the login form, maybe consent; the callback query."""
    browser = Browser(live)
    page = browser.go(rp.authorization_url(**extra))
    assert page.status_code == 200 and 'name="username"' in page.text
    page = browser.log_in(page, login)
    if consent:
        assert page.status_code == 200, page.text
        assert "Cho phép ứng dụng dùng tài khoản" in page.text
        page = browser.submit(page, {"allow": "on"})
    return browser, callback_params(page)


@pytest.fixture(scope="module")
def trusted(live):
    return add_client(live, "--trusted", name="Hệ thống quản lý văn bản")


@pytest.fixture(scope="module")
def public(live):
    return add_client(live, "--public", "--trusted", name="Ứng dụng di động")


def test_discovery_lists_every_endpoint(live):
    metadata = requests.get(f"{live.url}/.well-known/openid-configuration", timeout=10).json()
    assert metadata["issuer"] == live.url
    for key, path in [
        ("authorization_endpoint", "/oidc/authorize/"),
        ("token_endpoint", "/oidc/token/"),
        ("userinfo_endpoint", "/oidc/userinfo/"),
        ("jwks_uri", "/oidc/jwks/"),
        ("revocation_endpoint", "/oidc/revoke/"),
        ("end_session_endpoint", "/oidc/logout/"),
    ]:
        assert metadata[key] == live.url + path
        assert requests.get(metadata[key], timeout=10).status_code != 404
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"sub", "email", "name", "preferred_username", "unit", "phone_number"} <= set(
        metadata["claims_supported"]
    )


def test_a_client_from_the_command_line_signs_a_person_in_with_code_and_pkce(live):
    login, phone = new_account(live)
    client = add_client(live)
    assert set(client) == {"client_id", "client_secret"} and client["client_secret"]
    rp = RelyingParty(
        live, client["client_id"], client["client_secret"], "openid profile email phone"
    )

    browser, callback = sign_in(live, rp, login)
    assert browser.http.get(f"{live.url}/tai-khoan/", timeout=10).status_code == 200
    assert callback["state"] == rp.state
    assert callback["iss"] == live.url
    token = rp.exchange(callback["code"])

    claims = rp.verified_id_token(token)
    assert uuid.UUID(claims["sub"]) and login not in claims["sub"]
    assert claims["email"] == login and claims["email_verified"] is True
    assert claims["preferred_username"] == login.split("@")[0]
    assert claims["name"].startswith("Trần Văn Một")
    assert claims["unit"] == {"code": "MYTU-VHTT", "name": "Phòng Văn hóa và Thông tin huyện Mỹ Tú"}

    info = rp.userinfo(token).json()
    assert info["sub"] == claims["sub"]
    assert info["email"] == login
    # An untrusted client sees the seed's mask, never the number.
    assert info["phone_number"] == f"0{phone[3:6]}XXX{phone[-3:]}"

    # Refresh rotates: a new refresh token, and the old one is refused from then on.
    session = rp.session(**token)
    refreshed = session.refresh_token(rp.metadata["token_endpoint"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert rp.userinfo(dict(refreshed)).status_code == 200
    stale = requests.post(
        rp.metadata["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(rp.client_id, client["client_secret"]),
        timeout=10,
    )
    assert stale.status_code == 400 and stale.json()["error"] == "invalid_grant"

    # RP-initiated logout ends govid's session and returns to the registered address.
    end = browser.go(
        rp.metadata["end_session_endpoint"]
        + f"?id_token_hint={token['id_token']}&post_logout_redirect_uri={POST_LOGOUT_URI}&state=s1"
    )
    assert end.headers["Location"] == f"{POST_LOGOUT_URI}?state=s1"
    account_page = browser.http.get(f"{live.url}/tai-khoan/", allow_redirects=False, timeout=10)
    assert account_page.headers["Location"].startswith("/?next=")


def test_a_trusted_public_client_skips_consent_and_sees_the_phone_number(live):
    login, phone = new_account(live)
    client = add_client(live, "--public", "--trusted", name="Văn phòng điện tử")
    assert client["client_secret"] is None
    rp = RelyingParty(live, client["client_id"], scope="openid phone")
    _browser, callback = sign_in(live, rp, login, consent=False)
    token = rp.exchange(callback["code"])
    info = rp.userinfo(token).json()
    assert info["phone_number"] == phone
    assert "email" not in info and "name" not in info  # scopes not asked for, claims not given


def test_without_the_phone_scope_there_is_no_phone_number(live, trusted):
    login, _phone = new_account(live)
    client = trusted
    rp = RelyingParty(live, client["client_id"], client["client_secret"])
    _browser, callback = sign_in(live, rp, login, consent=False)
    info = rp.userinfo(rp.exchange(callback["code"])).json()
    assert "phone_number" not in info and info["email"] == login


def test_refusing_consent_sends_the_person_back_with_access_denied(live):
    login, _phone = new_account(live)
    client = add_client(live)
    rp = RelyingParty(live, client["client_id"], client["client_secret"])
    browser = Browser(live)
    page = browser.log_in(browser.go(rp.authorization_url()), login)
    assert "Địa chỉ thư điện tử công vụ" in page.text  # what the client would receive
    refused = callback_params(browser.submit(page, {}))
    assert refused["error"] == "access_denied"


def test_an_unregistered_redirect_uri_is_refused_on_a_page_not_redirected(live):
    client = add_client(live)
    rp = RelyingParty(live, client["client_id"], client["client_secret"])
    url = rp.authorization_url().replace(
        "redirect_uri=http%3A%2F%2F127.0.0.1%2Frp%2Fcallback",
        "redirect_uri=https%3A%2F%2Fevil.example%2Fcallback",
    )
    browser = Browser(live)
    page = browser.go(url)
    if 'name="username"' in page.text:  # the check happens before or after login
        page = browser.log_in(page, new_account(live)[0])
    assert page.status_code == 400
    assert "Location" not in page.headers
    assert "Địa chỉ quay về của ứng dụng chưa được đăng ký" in page.text


def test_a_public_client_must_send_a_pkce_challenge(live, public):
    login, _phone = new_account(live)
    rp = RelyingParty(live, public["client_id"])
    url = re.sub(r"&code_challenge(_method)?=[^&]*", "", rp.authorization_url())
    assert "code_challenge" not in url
    browser = Browser(live)
    answer = callback_params(browser.log_in(browser.go(url), login))
    assert answer["error"] == "invalid_request"
    assert "code" not in answer


def test_the_plain_pkce_method_is_refused(live, public):
    login, _phone = new_account(live)
    rp = RelyingParty(live, public["client_id"])
    url = re.sub(r"code_challenge=[^&]*", f"code_challenge={rp.verifier}", rp.authorization_url())
    url = url.replace("code_challenge_method=S256", "code_challenge_method=plain")
    browser = Browser(live)
    answer = callback_params(browser.log_in(browser.go(url), login))
    assert answer["error"] == "invalid_request" and "code" not in answer


def test_a_wrong_pkce_verifier_gets_no_token(live, public):
    login, _phone = new_account(live)
    rp = RelyingParty(live, public["client_id"])
    _browser, callback = sign_in(live, rp, login, consent=False)
    response = requests.post(
        rp.metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": callback["code"],
            "redirect_uri": REDIRECT_URI,
            "client_id": rp.client_id,
            "code_verifier": "x" * 50,
        },
        timeout=10,
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert "access_token" not in response.json()


def test_a_code_used_twice_is_refused_and_its_tokens_are_revoked(live, trusted):
    login, _phone = new_account(live)
    client = trusted
    rp = RelyingParty(live, client["client_id"], client["client_secret"])
    _browser, callback = sign_in(live, rp, login, consent=False)
    token = rp.exchange(callback["code"])
    assert rp.userinfo(token).status_code == 200
    replay = requests.post(
        rp.metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": callback["code"],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": rp.verifier,
        },
        auth=(rp.client_id, client["client_secret"]),
        timeout=10,
    )
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert rp.userinfo(token).status_code == 401
    refresh = requests.post(
        rp.metadata["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(rp.client_id, client["client_secret"]),
        timeout=10,
    )
    assert refresh.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_gets_no_token(live, trusted):
    login, _phone = new_account(live)
    rp = RelyingParty(live, trusted["client_id"], "not-the-secret")
    _browser, callback = sign_in(live, rp, login, consent=False)
    response = requests.post(
        rp.metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": callback["code"],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": rp.verifier,
        },
        auth=(rp.client_id, "not-the-secret"),
        timeout=10,
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_revoked_tokens_stop_working(live, trusted):
    login, _phone = new_account(live)
    client = trusted
    rp = RelyingParty(live, client["client_id"], client["client_secret"])
    _browser, callback = sign_in(live, rp, login, consent=False)
    token = rp.exchange(callback["code"])
    session = rp.session(**token)
    session.revoke_token(
        rp.metadata["revocation_endpoint"], token["refresh_token"], "refresh_token"
    )
    assert rp.userinfo(token).status_code == 401
    with pytest.raises(Exception, match="invalid_grant"):
        session.refresh_token(rp.metadata["token_endpoint"])


def test_logout_to_an_unregistered_address_is_refused_on_a_page(live, trusted):
    login, _phone = new_account(live)
    client = trusted
    rp = RelyingParty(live, client["client_id"], client["client_secret"])
    browser, callback = sign_in(live, rp, login, consent=False)
    token = rp.exchange(callback["code"])
    page = browser.go(
        rp.metadata["end_session_endpoint"]
        + f"?id_token_hint={token['id_token']}&post_logout_redirect_uri=https://evil.example/"
    )
    assert page.status_code == 400 and "Location" not in page.headers
    assert "Địa chỉ quay về sau khi đăng xuất chưa được đăng ký" in page.text


def reset_password_by_sms(live, login: str, phone: str, new_password: str) -> None:
    """The seed's recovery, as a person with the phone would walk it."""
    browser = Browser(live)
    page = browser.submit(browser.go(f"{live.url}/quen-mat-khau/"), {"email": login})
    sent = len(live.messages(phone))
    page = browser.submit(page, {})
    code = live.wait_for_code(phone, after=sent)
    done = browser.submit(
        page, {"code": code, "password1": new_password, "password2": new_password}
    )
    assert "Thay đổi mật khẩu thành công!" in done.text


def test_after_a_password_reset_the_tokens_are_refused(live, trusted):
    login, phone = new_account(live)
    client = trusted
    rp = RelyingParty(live, client["client_id"], client["client_secret"])
    _browser, callback = sign_in(live, rp, login, consent=False)
    token = rp.exchange(callback["code"])
    assert rp.userinfo(token).status_code == 200

    reset_password_by_sms(live, login, phone, "Moi#Matkhau2026")

    assert rp.userinfo(token).status_code == 401
    with pytest.raises(Exception, match="invalid_grant"):
        rp.session(**token).refresh_token(rp.metadata["token_endpoint"])


def test_a_locked_account_loses_its_tokens(live, trusted):
    login, _phone = new_account(live)
    rp = RelyingParty(live, trusted["client_id"], trusted["client_secret"])
    _browser, callback = sign_in(live, rp, login, consent=False)
    token = rp.exchange(callback["code"])
    live.manage("accounts", "lock", login)
    assert rp.userinfo(token).status_code == 401
    with pytest.raises(Exception, match="invalid_grant"):
        rp.session(**token).refresh_token(rp.metadata["token_endpoint"])


@pytest.fixture(scope="module")
def short_codes_live(tmp_path_factory):
    """A second server whose authorization codes live one second."""
    with serve(tmp_path_factory.mktemp("govid-short-codes"), GOVID_SSO_CODE_TTL="1") as server:
        yield server


def test_an_expired_code_gets_no_token(short_codes_live):
    live = short_codes_live
    login, _phone = new_account(live)
    client = add_client(live, "--trusted")
    rp = RelyingParty(live, client["client_id"], client["client_secret"])
    _browser, callback = sign_in(live, rp, login, consent=False)
    time.sleep(1.5)
    response = requests.post(
        rp.metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": callback["code"],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": rp.verifier,
        },
        auth=(rp.client_id, client["client_secret"]),
        timeout=10,
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_six_wrong_passwords_hold_the_account_and_recovery_still_works(live):
    login, phone = new_account(live)
    browser = Browser(live)
    for attempt in range(1, 7):
        page = browser.log_in(browser.go(f"{live.url}/"), login, f"Sai@Matkhau{attempt}")
        if attempt < 5:
            assert page.status_code == 400
            assert "Tên tài khoản hoặc mật khẩu không đúng." in page.text
    assert page.status_code == 429
    wait = re.search(r"thử lại sau (\d+) phút nữa \(lúc (\d\d:\d\d)\)", page.text)
    assert wait and 1 <= int(wait[1]) <= 5, page.text
    # Even the right password is refused while the hold lasts.
    assert browser.log_in(browser.go(f"{live.url}/"), login).status_code == 429

    reset_password_by_sms(live, login, phone, "Moi#Matkhau2026")
    page = browser.log_in(browser.go(f"{live.url}/"), login, "Moi#Matkhau2026")
    assert page.status_code == 200 and "Tài khoản của tôi" in page.text


def test_the_administrator_unblocks_a_held_account_from_the_command_line(live):
    login, _phone = new_account(live)
    browser = Browser(live)
    for attempt in range(5):
        page = browser.log_in(browser.go(f"{live.url}/"), login, f"Sai@Matkhau{attempt}")
    assert page.status_code == 429
    assert json.loads(live.manage("accounts", "unblock", login)) == {
        "login": login,
        "was_held": True,
    }
    page = browser.log_in(browser.go(f"{live.url}/"), login)
    assert "Tài khoản của tôi" in page.text
