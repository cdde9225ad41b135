"""The OpenID Connect provider, driven by Authlib against govid under gunicorn."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.e2e.oidc import (
    POST_LOGOUT_URI,
    Browser,
    RelyingParty,
    add_client,
    callback_params,
    new_account,
    reset_password_by_sms,
    sign_in,
)

pytestmark = pytest.mark.e2e


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
