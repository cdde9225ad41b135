"""The CAS 3.0 server: login with service, renew and gateway; ticket validation with attributes;
the refusals (unknown service, a ticket twice, for another service, too late); logout and
single logout."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from govid import clock
from govid.sso import signins
from govid.sso.cas.services import add_service
from govid.sso.models import Visit
from tests.conftest import PASSWORD
from tests.servers.relying_party import RelyingPartyServer

SERVICE = "https://motcua.soctrang.gov.vn/"
PROTECTED = "https://motcua.soctrang.gov.vn/secret/"
CAS = "{http://www.yale.edu/tp/cas}"


@pytest.fixture
def service(db: None) -> None:
    add_service("Một cửa điện tử", service_url=SERVICE, single_logout=False, actor="test")


def _signed_in() -> Client:
    browser = Client()
    response = browser.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert response.status_code == 302
    return browser


def _ticket(browser: Client, service_url: str = PROTECTED, **params: str) -> str:
    response = browser.get("/cas/login", {"service": service_url, **params})
    assert response.status_code == 302, response.content
    location = response["Location"]
    assert location.startswith(service_url)
    [ticket] = parse_qs(urlsplit(location).query)["ticket"]
    return ticket


def _validate(
    ticket: str, service_url: str = PROTECTED, path: str = "p3/serviceValidate", **params: str
) -> ET.Element:
    response = Client().get(f"/cas/{path}", {"service": service_url, "ticket": ticket, **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314  (govid's own answer)


def _failure(root: ET.Element) -> str | None:
    failed = root.find(f"{CAS}authenticationFailure")
    return failed.get("code") if failed is not None else None


def test_a_signed_in_person_gets_a_ticket_that_names_them_with_their_attributes(account, service):
    browser = _signed_in()
    ticket = _ticket(browser)
    assert re.fullmatch(r"ST-[A-Za-z0-9-]{40,}", ticket)  # CAS 3.0, 3.7
    root = _validate(ticket)
    done = root.find(f"{CAS}authenticationSuccess")
    assert done is not None, ET.tostring(root)
    assert done.findtext(f"{CAS}user") == "an.nguyen@soctrang.gov.vn"
    attributes = done.find(f"{CAS}attributes")
    assert attributes is not None
    assert attributes.findtext(f"{CAS}mail") == "an.nguyen@soctrang.gov.vn"
    assert attributes.findtext(f"{CAS}displayName") == "Nguyễn Văn An"
    assert attributes.findtext(f"{CAS}unit") == "Phòng Văn hóa và Thông tin"
    [visit] = Visit.objects.filter(protocol="cas")
    assert visit.party == "Một cửa điện tử"
    assert visit.sign_in.sid == browser.session[signins.SID]


def test_cas_2_validation_names_the_user_without_attributes(account, service):
    root = _validate(_ticket(_signed_in()), path="serviceValidate")
    done = root.find(f"{CAS}authenticationSuccess")
    assert done is not None
    assert done.findtext(f"{CAS}user") == "an.nguyen@soctrang.gov.vn"
    assert done.find(f"{CAS}attributes") is None


def test_someone_not_signed_in_goes_through_the_login_page_and_back(account, service):
    browser = Client()
    response = browser.get("/cas/login", {"service": PROTECTED})
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith("/?next=")
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    answer = browser.post(
        login_url, {"username": "an.nguyen", "password": PASSWORD, "next": next_url}
    )
    assert answer.status_code == 302
    assert answer["Location"] == next_url
    assert _ticket(browser).startswith("ST-")


def test_gateway_goes_back_to_the_service_without_a_ticket(service):
    response = Client().get("/cas/login", {"service": PROTECTED, "gateway": "true"})
    assert response.status_code == 302
    assert response["Location"] == PROTECTED


def test_renew_asks_for_the_password_again_after_a_while(account, service):
    browser = _signed_in()
    plain = _ticket(browser)
    refused = _validate(plain, renew="true")
    assert _failure(refused) == "INVALID_TICKET"  # not from a new login
    with clock.frozen(clock.now() + timedelta(minutes=5)):
        response = browser.get("/cas/login", {"service": PROTECTED, "renew": "true"})
        assert response.status_code == 302
        assert response["Location"].startswith("/?next=")
    fresh = _signed_in()
    ticket = _ticket(fresh, renew="true")
    root = _validate(ticket, renew="true")
    assert _failure(root) is None
    assert (
        root.findtext(f"{CAS}authenticationSuccess/{CAS}attributes/{CAS}isFromNewLogin") == "true"
    )


def test_an_unknown_service_is_refused_in_vietnamese(account, service):
    response = _signed_in().get(
        "/cas/login", {"service": "https://motcua.soctrang.gov.vn.evil.vn/"}
    )
    assert response.status_code == 400
    assert "chưa được đăng ký" in response.content.decode()


def test_a_ticket_works_once(account, service):
    ticket = _ticket(_signed_in())
    assert _failure(_validate(ticket)) is None
    assert _failure(_validate(ticket)) == "INVALID_TICKET"


def test_a_ticket_for_another_service_is_refused_and_used_up(account, service):
    ticket = _ticket(_signed_in())
    assert _failure(_validate(ticket, service_url=SERVICE + "other/")) == "INVALID_SERVICE"
    assert _failure(_validate(ticket)) == "INVALID_TICKET"


def test_a_ticket_expires_after_ten_seconds(account, service, frozen):
    ticket = _ticket(_signed_in())
    clock.advance(timedelta(seconds=11))
    assert _failure(_validate(ticket)) == "INVALID_TICKET"


def test_a_ticket_after_the_sign_out_is_refused(account, service):
    browser = _signed_in()
    ticket = _ticket(browser)
    browser.post("/dang-xuat/")
    assert _failure(_validate(ticket)) == "INVALID_TICKET"


def test_missing_parameters_and_other_tickets_are_refused(account, service):
    assert _failure(_validate("")) == "INVALID_REQUEST"
    assert _failure(_validate("PGT-123")) == "INVALID_TICKET_SPEC"
    assert _failure(_validate("PT-123", path="proxyValidate")) == "INVALID_TICKET"


def test_a_service_not_registered_to_proxy_gets_no_pgt(account, service):
    ticket = _ticket(_signed_in())
    root = _validate(ticket, pgtUrl="https://motcua.soctrang.gov.vn/pgt")
    assert _failure(root) == "UNAUTHORIZED_SERVICE_PROXY"
    assert _failure(_validate(ticket)) == "INVALID_TICKET"  # and the ticket is spent


def test_cas_logout_ends_the_sign_in_and_returns_only_to_a_registered_service(account, service):
    browser = _signed_in()
    response = browser.get("/cas/logout", {"service": SERVICE + "logged-out.html"})
    assert response.status_code == 302
    assert response["Location"] == SERVICE + "logged-out.html"
    assert browser.get("/tai-khoan/").status_code == 302
    other = _signed_in()
    response = other.get("/cas/logout", {"service": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.fixture
def cas_client() -> Iterator[RelyingPartyServer]:
    server = RelyingPartyServer(jwks=lambda: "{}", issuer="").start()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_single_logout_posts_a_logout_request_naming_each_ticket(account, units, cas_client):
    add_service("Nhân sự", service_url=cas_client.url + "/", single_logout=True, actor="test")
    add_service(
        "Thư", service_url="https://thu.soctrang.gov.vn/", single_logout=False, actor="test"
    )
    browser = _signed_in()
    ticket = _ticket(browser, cas_client.url + "/secret/")
    assert _failure(_validate(ticket, cas_client.url + "/secret/")) is None
    other = _ticket(browser, "https://thu.soctrang.gov.vn/")
    assert _failure(_validate(other, "https://thu.soctrang.gov.vn/")) is None
    browser.post("/dang-xuat/")
    [(path, form)] = cas_client.posts
    assert path == "/secret/"
    message = ET.fromstring(form["logoutRequest"])  # noqa: S314
    assert message.tag == "{urn:oasis:names:tc:SAML:2.0:protocol}LogoutRequest"
    index = message.findtext("{urn:oasis:names:tc:SAML:2.0:protocol}SessionIndex")
    assert index == ticket


def test_the_command_adds_lists_shows_and_removes_services(db):
    def run(*args: str) -> object:
        out = StringIO()
        call_command("sso", *args, stdout=out)
        return json.loads(out.getvalue())

    added = run("add-cas-service", "Văn phòng điện tử", "--service-url", SERVICE, "--single-logout")
    assert added == {
        "name": "Văn phòng điện tử",
        "protocol": "cas",
        "service_url": SERVICE,
        "single_logout": True,
        "proxy_callback": "",
        "accept_proxies": False,
    }
    assert run("list-cas-services") == [added]
    assert run("show-cas-service", "Văn phòng điện tử") == added
    assert run("remove-cas-service", "Văn phòng điện tử") == {
        "name": "Văn phòng điện tử",
        "removed": True,
    }
    assert run("list-cas-services") == []
    with pytest.raises(CommandError, match="http"):
        run("add-cas-service", "X", "--service-url", "ftp://x.soctrang.gov.vn/")
    with pytest.raises(CommandError, match="no CAS service"):
        run("show-cas-service", "Y")
