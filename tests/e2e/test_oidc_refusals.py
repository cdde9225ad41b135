"""What the OpenID Connect provider refuses: the negative cases, against the live server."""

from __future__ import annotations

import re
import time

import pytest
import requests

from tests.e2e.conftest import serve
from tests.e2e.oidc import (
    REDIRECT_URI,
    Browser,
    RelyingParty,
    add_client,
    callback_params,
    new_account,
    sign_in,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def short_codes_live(tmp_path_factory):
    """A second server whose authorization codes live one second."""
    with serve(tmp_path_factory.mktemp("govid-short-codes"), GOVID_SSO_CODE_TTL="1") as server:
        yield server


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
