"""SAML and CAS say how the sign-in proved who it is, as OIDC's amr/acr do: the assertion's
AuthnContextClassRef and the CAS attributes; an SP asking for the multi-factor class, or a
system configured to need it, sends the person through the second factor first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pyotp
import pytest
from django.test import Client
from saml2 import BINDING_HTTP_REDIRECT
from saml2.saml import AuthnContextClassRef
from saml2.samlp import NameIDPolicy, RequestedAuthnContext
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from govid import clock
from govid.sso.cas.services import add_service
from govid.sso.saml.flow import AUTHN_CONTEXT, MFA_CONTEXT
from tests.conftest import PASSWORD
from tests.sso.test_factors_oidc import enrol, password_and_code
from tests.sso.test_saml import Sp, make_sp, sso

SECURITY = "/tai-khoan/bao-mat/"
CAS = "{http://www.yale.edu/tp/cas}"
SERVICE = "https://motcua.soctrang.gov.vn/"
ONE, SECOND = "urn:govid:acr:one-factor", "urn:govid:acr:second-factor"


@pytest.fixture
def now_frozen() -> Iterator[datetime]:
    """govid's clock stopped at the real time: the SP (pysaml2) dates its messages by it."""
    start = datetime.now(UTC)
    with clock.frozen(start):
        yield start


def _signed_in() -> Client:
    browser = Client()
    assert browser.post("/", {"username": "an.nguyen", "password": PASSWORD}).status_code == 302
    return browser


def _with_factor() -> Client:
    """A person who enrolled an app, then signed in with password and code."""
    secret = enrol(_signed_in())
    clock.advance(timedelta(seconds=30))
    browser = Client()
    browser.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert password_and_code(browser, secret).status_code == 302
    return browser


def _enrol_on_the_way(browser: Client, location: str) -> str:
    """The enrolment page a step up sent the person to: an app added, the code typed, the
    recovery codes shown; where their page goes on to."""
    assert location.startswith(f"{SECURITY}?next=")
    page = browser.get(location).content.decode()
    match = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert match
    [next_url] = parse_qs(urlsplit(location).query)["next"]
    code = pyotp.TOTP(match.group(1).replace(" ", "")).at(clock.now())
    done = browser.post(location, {"code": code, "next": next_url})
    onward = re.search(r'<a class="button primary" href="([^"]+)">', done.content.decode())
    assert done.status_code == 200 and onward, done.content  # the recovery codes, then on
    return onward.group(1).replace("&amp;", "&")


# --- SAML ---------------------------------------------------------------------------------


def _request(sp: Sp, *classes: str) -> tuple[str, dict[str, str]]:
    """A signed AuthnRequest (HTTP-Redirect), asking these AuthnContextClassRefs if any."""
    destination = "http://testserver/saml/sso/redirect/"
    extra = {}
    if classes:
        refs = [AuthnContextClassRef(text=value) for value in classes]
        extra["requested_authn_context"] = RequestedAuthnContext(
            authn_context_class_ref=refs, comparison="exact"
        )
    request_id, request = sp.client.create_authn_request(
        destination,
        name_id_policy=NameIDPolicy(allow_create="true"),
        sign=False,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
        **extra,
    )
    info = sp.client.apply_binding(
        BINDING_HTTP_REDIRECT, str(request), destination, "/", sign=True, sigalg=SIG_RSA_SHA256
    )
    location = dict(info["headers"])["Location"]
    return request_id, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _class_ref(sp: Sp, html: str, request_id: str) -> str:
    response = sp.read(html, request_id)
    [statement] = response.assertion.authn_statement  # type: ignore[attr-defined]
    return str(statement.authn_context.authn_context_class_ref.text)


@pytest.fixture
def sp(tmp_path: Path, account) -> Sp:
    return make_sp(tmp_path / "sp", "https://vanphong.soctrang.gov.vn/saml/sp")


def test_a_password_only_assertion_says_password_protected_transport(sp, now_frozen):
    request_id, params = _request(sp)
    assert _class_ref(sp, sso(_signed_in(), params).content.decode(), request_id) == AUTHN_CONTEXT


def test_a_sign_in_with_a_second_factor_says_the_multi_factor_class(sp, now_frozen):
    request_id, params = _request(sp)
    answer = sso(_with_factor(), params).content.decode()
    assert _class_ref(sp, answer, request_id) == MFA_CONTEXT


def test_an_sp_asking_for_multi_factor_gets_the_second_step_first(sp, now_frozen):
    browser = _signed_in()
    request_id, params = _request(sp, MFA_CONTEXT)
    first = sso(browser, params)
    assert first.status_code == 302
    assert "SAMLResponse" not in first.content.decode()  # no assertion yet
    onward = _enrol_on_the_way(browser, first["Location"])
    assert onward.startswith("/saml/sso/continue/?k=")
    answer = browser.get(onward)
    assert answer.status_code == 200
    assert _class_ref(sp, answer.content.decode(), request_id) == MFA_CONTEXT


def test_a_sign_in_that_showed_its_factor_is_answered_at_once_when_multi_factor_is_asked(
    sp, now_frozen
):
    request_id, params = _request(sp, MFA_CONTEXT)
    answer = sso(_with_factor(), params)
    assert answer.status_code == 200
    assert _class_ref(sp, answer.content.decode(), request_id) == MFA_CONTEXT


def test_an_sp_configured_to_need_a_second_factor_gets_it_first(sp, now_frozen, settings):
    settings.GOVID_FACTORS = {"clients_requiring": sp.entity_id}
    _request_id, params = _request(sp)
    answer = sso(_signed_in(), params)
    assert answer.status_code == 302 and answer["Location"].startswith(SECURITY)


# --- CAS ----------------------------------------------------------------------------------


@pytest.fixture
def service(db: None) -> None:
    add_service("Một cửa điện tử", service_url=SERVICE, single_logout=False, actor="test")


def _attributes(browser: Client) -> ET.Element:
    login = browser.get("/cas/login", {"service": SERVICE})
    assert login.status_code == 302 and login["Location"].startswith(SERVICE)
    [ticket] = parse_qs(urlsplit(login["Location"]).query)["ticket"]
    answer = Client().get("/cas/p3/serviceValidate", {"service": SERVICE, "ticket": ticket})
    root = ET.fromstring(answer.content)  # noqa: S314  (govid's own answer)
    found = root.find(f"{CAS}authenticationSuccess/{CAS}attributes")
    assert found is not None, answer.content
    return found


def _values(attributes: ET.Element, name: str) -> list[str]:
    return [str(element.text) for element in attributes.findall(f"{CAS}{name}")]


def test_cas_attributes_say_a_password_alone(account, service, now_frozen):
    attributes = _attributes(_signed_in())
    assert _values(attributes, "amr") == ["pwd"]
    assert _values(attributes, "authnContextClass") == [ONE]
    assert _values(attributes, "successfulAuthenticationHandlers") == ["PasswordHandler"]
    assert _values(attributes, "authenticationMethod") == ["PasswordHandler"]


def test_cas_attributes_name_the_second_factor(account, service, now_frozen):
    attributes = _attributes(_with_factor())
    assert _values(attributes, "amr") == ["pwd", "otp"]
    assert _values(attributes, "authnContextClass") == [SECOND]
    assert _values(attributes, "successfulAuthenticationHandlers") == [
        "PasswordHandler",
        "OneTimeCodeHandler",
    ]


def test_a_cas_service_configured_to_need_a_second_factor_gets_it_before_a_ticket(
    account, service, now_frozen, settings
):
    settings.GOVID_FACTORS = {"clients_requiring": "Một cửa điện tử"}
    browser = _signed_in()
    first = browser.get("/cas/login", {"service": SERVICE})
    assert first.status_code == 302 and "ticket=" not in first["Location"]
    onward = _enrol_on_the_way(browser, first["Location"])
    assert onward.startswith("/cas/login?service=")
    attributes = _attributes(browser)
    assert _values(attributes, "amr") == ["pwd", "otp"]
