"""OpenID Connect and second factors: amr and acr in ID tokens; acr_values and a client's
configuration send the person through the second factor before a code is issued."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from django.test import Client

from govid import clock
from tests.conftest import PASSWORD
from tests.sso.oidc import callback, register, signed_in
from tests.sso.test_claims import payload

SECOND = "urn:govid:acr:second-factor"
SECURITY = "/tai-khoan/bao-mat/"


def id_token_of(rp, browser: Client, **params: str) -> dict[str, object]:
    tokens = rp.token(rp.code(browser, **params)).json()
    return payload(tokens["id_token"])


def test_a_password_only_sign_in_says_so(account, frozen):
    rp = register()
    claims = id_token_of(rp, signed_in())
    assert claims["amr"] == ["pwd"]
    assert claims["acr"] == "urn:govid:acr:one-factor"


def test_acr_values_sends_the_person_through_the_second_factor_first(account, frozen):
    rp = register()
    browser = signed_in()
    answer = rp.authorize(browser, acr_values=SECOND)
    assert callback(answer) == {}  # no code yet
    assert answer.headers["Location"].startswith(f"{SECURITY}?next=%2Foidc%2Fauthorize%2F")
    # Without a factor yet: enrol one, then back to the client.
    page = browser.get(answer.headers["Location"]).content.decode()
    match = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert match
    secret = match.group(1).replace(" ", "")
    next_url = re.search(r'name="next" value="([^"]+)"', page)
    assert next_url
    browser.post(
        answer.headers["Location"],
        {
            "code": pyotp.TOTP(secret).at(clock.now()),
            "next": next_url.group(1).replace("&amp;", "&"),
        },
    )
    claims = id_token_of(rp, browser, acr_values=SECOND)
    assert claims["amr"] == ["pwd", "otp"]
    assert claims["acr"] == SECOND


def test_with_a_factor_the_sign_in_carries_it_to_every_client(account, frozen):
    rp = register()
    browser = signed_in()
    secret = enrol(browser)
    clock.advance(timedelta(seconds=30))
    again = Client()
    again.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert password_and_code(again, secret).status_code == 302
    claims = id_token_of(rp, again)
    assert claims["amr"] == ["pwd", "otp"] and claims["acr"] == SECOND


def test_a_client_can_need_the_second_factor_by_configuration(account, frozen, settings):
    rp = register()
    settings.GOVID_FACTORS = {"clients_requiring": rp.client_id}
    answer = rp.authorize(signed_in())
    assert answer.headers["Location"].startswith(SECURITY)
    other = register()
    assert "code" in callback(other.authorize(signed_in()))


def test_discovery_names_the_acr_values(client, db):
    data = client.get("/.well-known/openid-configuration").json()
    assert data["acr_values_supported"] == ["urn:govid:acr:one-factor", SECOND]


def enrol(browser: Client) -> str:
    page = browser.get(SECURITY).content.decode()
    match = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert match
    secret = match.group(1).replace(" ", "")
    assert browser.post(SECURITY, {"code": pyotp.TOTP(secret).at(clock.now())}).status_code == 200
    return secret


def password_and_code(browser: Client, secret: str):
    return browser.post("/dang-nhap/xac-thuc/", {"code": pyotp.TOTP(secret).at(clock.now())})
