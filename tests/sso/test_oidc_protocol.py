"""The protocol checks govid adds to the library: redirect_uri bound to each code, a PKCE
challenge of RFC 7636's shape, loopback redirects only as registered, no token in a URL."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.sso.oidc import callback, register, signed_in

GOOD_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636's own example


@pytest.fixture
def browser(account) -> Client:
    return signed_in()


def test_a_token_request_must_repeat_the_redirect_uri_of_its_code(db, browser):
    rp = register()
    code = rp.code(browser)
    refused = rp.token(code, redirect_uri=None)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"
    assert "access_token" not in refused.json()
    assert rp.token(code).status_code == 200  # the same code, with its address


def test_an_authorization_request_without_redirect_uri_is_refused_on_a_page(db, browser):
    rp = register()
    page = rp.authorize(browser, redirect_uri=None)
    assert page.status_code == 400 and "Location" not in page.headers
    assert "Ứng dụng không cho biết địa chỉ quay về" in page.content.decode()


@pytest.mark.parametrize(
    "challenge",
    [
        GOOD_CHALLENGE[:42],  # one short
        "a" * 129,  # one long
        GOOD_CHALLENGE[:42] + "+",  # base64, not base64url
        GOOD_CHALLENGE[:42] + "=",
        GOOD_CHALLENGE[:42] + "é",
        GOOD_CHALLENGE[:21] + " " + GOOD_CHALLENGE[22:],
    ],
)
def test_a_code_challenge_rfc_7636_does_not_allow_goes_back_as_invalid_request(
    db, browser, challenge
):
    rp = register()
    answer = callback(rp.authorize(browser, code_challenge=challenge))
    assert answer["error"] == "invalid_request"
    assert answer["state"] == rp.state
    assert "code" not in answer


def test_the_shortest_and_the_longest_challenges_are_taken_and_nothing_else(db, browser):
    rp = register()
    for challenge in (GOOD_CHALLENGE, "A-._~" * 25 + "abc"):
        assert "code" in callback(rp.authorize(browser, code_challenge=challenge))
    answer = callback(rp.authorize(browser, code_challenge="A-._~" * 25 + "abcd"))
    assert answer["error"] == "invalid_request"


def test_a_challenge_changed_on_the_consent_page_is_refused_too(db, browser):
    rp = register(trusted=False)
    page = rp.authorize(browser)
    assert page.status_code == 200
    html = page.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields = {key: value.replace("&amp;", "&") for key, value in fields.items()}
    fields.update(code_challenge="x", allow="on")
    answer = callback(browser.post(page.wsgi_request.get_full_path(), fields))
    assert answer["error"] == "invalid_request" and "code" not in answer


def test_userinfo_refuses_an_access_token_in_the_query_string(db, browser):
    rp = register()
    token = rp.token(rp.code(browser)).json()["access_token"]
    refused = Client().get("/oidc/userinfo/", {"access_token": token})
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"sub" not in refused.content
    in_both = Client().get(
        f"/oidc/userinfo/?access_token={token}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert in_both.status_code == 401
    # The header, and a POST's form body, still work.
    assert Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token}").json()["sub"]
    assert Client().post("/oidc/userinfo/", {"access_token": token}).json()["sub"]


@pytest.mark.parametrize(
    ("registered", "asked"),
    [
        ("http://127.0.0.1:8000/cb", "http://127.0.0.1:4444/cb"),
        ("http://127.0.0.1/cb", "http://127.0.0.1:4444/cb"),
        ("http://[::1]:8000/cb", "http://[::1]:4444/cb"),
        ("http://localhost:8000/cb", "http://localhost:4444/cb"),
    ],
)
def test_a_loopback_redirect_gets_no_other_port_than_its_registered_one(
    db, browser, registered, asked
):
    rp = register(redirect_uris=(registered,))
    refused = rp.authorize(browser, redirect_uri=asked)
    assert refused.status_code == 400 and "Location" not in refused.headers
    assert "code" in callback(rp.authorize(browser, redirect_uri=registered))


def test_a_loopback_address_after_logout_gets_no_other_port(db, browser):
    rp = register(post_logout_uris=("http://127.0.0.1:8000/out",))
    id_token = rp.token(rp.code(browser)).json()["id_token"]
    page = browser.get(
        "/oidc/logout/",
        {"id_token_hint": id_token, "post_logout_redirect_uri": "http://127.0.0.1:4444/out"},
    )
    assert page.status_code == 400 and "Location" not in page.headers
    assert "Địa chỉ quay về sau khi đăng xuất chưa được đăng ký" in page.content.decode()
    back = browser.get(
        "/oidc/logout/",
        {"id_token_hint": id_token, "post_logout_redirect_uri": "http://127.0.0.1:8000/out"},
    )
    assert back.status_code == 302 and back.headers["Location"].startswith(
        "http://127.0.0.1:8000/out"
    )
