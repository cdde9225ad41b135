"""CAS proxying tried by those who hold a piece of it but not the right: a registered service
steering a proxy-granting ticket to another host or taking one from another service's ticket,
a back-end passing on what it received, a proxy holding a PGT after the person ended the
sign-in elsewhere or after its permission was withdrawn.

Each attempt fails with CAS's code, and nothing is sent to a host the administrator did not
register.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from govid.directory.api import get_directory, set_locked
from govid.sso.cas.models import CasService
from govid.sso.cas.services import add_service, remove_service
from tests.conftest import PASSWORD
from tests.servers.loopback_http import QuietHandler, serve, stop, url

PORTAL = "https://congdichvu.soctrang.gov.vn/"  # registered to proxy (its callback on loopback)
OFFICE = "https://vanphong.soctrang.gov.vn"  # registered to proxy, its prefix without a slash
MAIL = "https://thu.soctrang.gov.vn/"  # accepts proxy tickets
CAS = "{http://www.yale.edu/tp/cas}"


class Callback:
    """The portal's callback: what reached it."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        outer = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                outer.received.append({key: values[0] for key, values in query.items()})
                self.answer(200, "")

        self.server = serve(Handler)
        self.url = url(self.server)


@pytest.fixture
def callback(settings, account) -> Iterator[Callback]:
    settings.GOVID_SSO = {**settings.GOVID_SSO, "cas_proxy_http_loopback": True}
    server = Callback()
    add_service(
        "Cổng dịch vụ",
        service_url=PORTAL,
        single_logout=False,
        proxy_callback=server.url + "/pgt/",
        actor="cli",
    )
    add_service(
        "Văn phòng",
        service_url=OFFICE + "/",
        single_logout=False,
        proxy_callback=OFFICE,
        actor="cli",
    )
    add_service("Thư", service_url=MAIL, single_logout=False, accept_proxies=True, actor="cli")
    yield server
    stop(server.server)


def _signed_in() -> Client:
    client = Client()
    assert client.post("/", {"username": "an.nguyen", "password": PASSWORD}).status_code == 302
    return client


def _ticket(client: Client, service: str) -> str:
    location = client.get("/cas/login", {"service": service})["Location"]
    return parse_qs(urlsplit(location).query)["ticket"][0]


def _cas(path: str, **params: str) -> ET.Element:
    response = Client().get(f"/cas/{path}", params)
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314  (govid's own answer)


def _code(root: ET.Element) -> str | None:
    for name in ("authenticationFailure", "proxyFailure"):
        failed = root.find(f"{CAS}{name}")
        if failed is not None:
            return failed.get("code")
    return None


def _pgt(callback: Callback, client: Client) -> tuple[str, str]:
    """The portal's PGT and its IOU."""
    root = _cas(
        "serviceValidate",
        service=PORTAL,
        ticket=_ticket(client, PORTAL),
        pgtUrl=callback.url + "/pgt/",
    )
    iou = root.findtext(f"{CAS}authenticationSuccess/{CAS}proxyGrantingTicket") or ""
    [pgt] = [r["pgtId"] for r in callback.received if r["pgtIou"] == iou]
    return pgt, iou


@pytest.mark.parametrize(
    "pgt_url",
    [
        OFFICE + ".evil.vn/pgt",  # a longer host name that starts alike
        OFFICE + "@evil.vn/pgt",  # the registered host as a user name
        OFFICE + ":8443@evil.vn/",
        "https://evil.vn/" + OFFICE,
    ],
)
def test_a_proxy_cannot_steer_its_pgt_to_another_host(callback, pgt_url):
    root = _cas(
        "serviceValidate", service=OFFICE + "/", ticket=_ticket(_signed_in(), OFFICE + "/"),
        pgtUrl=pgt_url,
    )  # fmt: skip
    assert _code(root) == "INVALID_PROXY_CALLBACK"


def test_a_proxy_cannot_take_a_pgt_from_another_services_ticket(callback):
    """The portal presents a ticket the person's browser took to the mail service."""
    ticket = _ticket(_signed_in(), MAIL)
    root = _cas("serviceValidate", service=MAIL, ticket=ticket, pgtUrl=callback.url + "/pgt/")
    assert _code(root) == "UNAUTHORIZED_SERVICE_PROXY"
    assert callback.received == []


def test_the_pieces_of_proxying_are_no_tickets_of_another_kind(callback):
    client = _signed_in()
    pgt, iou = _pgt(callback, client)
    pt = _cas("proxy", pgt=pgt, targetService=MAIL).findtext(f"{CAS}proxySuccess/{CAS}proxyTicket")
    assert pt is not None
    # The back-end passes on the proxy ticket it received, or tries it as a PGT.
    assert _code(_cas("proxy", pgt=pt, targetService=MAIL)) == "INVALID_TICKET"
    assert _code(_cas("proxyValidate", service=PORTAL, ticket=pt)) == "INVALID_SERVICE"
    # The IOU (in the validation's answer) is not the PGT; a PGT is not a service ticket.
    assert _code(_cas("proxy", pgt=iou, targetService=MAIL)) == "INVALID_TICKET"
    assert _code(_cas("proxyValidate", service=MAIL, ticket=pgt)) == "INVALID_TICKET_SPEC"
    st = _ticket(client, PORTAL)
    assert _code(_cas("proxy", pgt=st, targetService=MAIL)) == "INVALID_TICKET"


def test_a_pgt_dies_when_the_person_signs_out_the_other_devices(callback):
    pgt, _ = _pgt(callback, _signed_in())
    elsewhere = _signed_in()
    assert elsewhere.post("/tai-khoan/phien/dang-xuat-noi-khac/").status_code == 302
    assert _code(_cas("proxy", pgt=pgt, targetService=MAIL)) == "INVALID_TICKET"


def test_a_pgt_dies_when_the_account_is_locked(callback):
    pgt, _ = _pgt(callback, _signed_in())
    found = get_directory().find("an.nguyen@soctrang.gov.vn")
    assert found is not None
    set_locked(found, True, actor="admin@soctrang.gov.vn")
    assert _code(_cas("proxy", pgt=pgt, targetService=MAIL)) == "INVALID_TICKET"


def test_a_pgt_dies_with_the_permission_to_proxy(callback):
    pgt, _ = _pgt(callback, _signed_in())
    CasService.objects.filter(name="Cổng dịch vụ").update(proxy_callback="")
    assert _code(_cas("proxy", pgt=pgt, targetService=MAIL)) == "UNAUTHORIZED_SERVICE_PROXY"
    remove_service("Cổng dịch vụ", actor="cli")
    assert _code(_cas("proxy", pgt=pgt, targetService=MAIL)) == "INVALID_TICKET"


def test_a_target_that_withdrew_its_acceptance_takes_no_proxy_ticket(callback):
    pgt, _ = _pgt(callback, _signed_in())
    pt = _cas("proxy", pgt=pgt, targetService=MAIL).findtext(f"{CAS}proxySuccess/{CAS}proxyTicket")
    CasService.objects.filter(name="Thư").update(accept_proxies=False)
    assert _code(_cas("proxy", pgt=pgt, targetService=MAIL)) == "UNAUTHORIZED_SERVICE"
    assert _code(_cas("proxyValidate", service=MAIL, ticket=pt or "")) == "INVALID_TICKET"
