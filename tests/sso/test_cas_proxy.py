"""CAS 3.0 proxying: a service registered with a proxy callback receives a proxy-granting ticket
there, buys proxy tickets with it for the services that accept them, and /cas/proxyValidate
names the chain of proxies; every other way is refused, and the PGT ends with the sign-in."""

from __future__ import annotations

import json
import logging
import ssl
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from govid import clock
from govid.audit.models import Event
from govid.recovery import flow
from govid.sso.cas.models import CasService
from govid.sso.cas.services import add_service
from govid.sso.models import Visit
from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.recovery.test_flow import last_code
from tests.servers.loopback_http import QuietHandler, serve, stop, url

PORTAL = "https://congdichvu.soctrang.gov.vn/"  # the service that proxies
MAIL = "https://thu.soctrang.gov.vn/"  # a back-end service that accepts proxy tickets
LOGIN = "an.nguyen@soctrang.gov.vn"
CAS = "{http://www.yale.edu/tp/cas}"


class Callback:
    """A service's proxy callback on 127.0.0.1: keeps what it received, answers ``status``."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.status = 200
        outer = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                outer.received.append({"path": parts.path, **query})
                if outer.status in (301, 302):
                    self.answer(outer.status, "", Location=outer.url + "/elsewhere")
                else:
                    self.answer(outer.status, "")

        self.server: ThreadingHTTPServer | None = serve(Handler)
        self.url = url(self.server)

    def stop(self) -> None:
        stop(self.server)


@pytest.fixture
def callback(settings) -> Iterator[Callback]:
    settings.GOVID_SSO = {**settings.GOVID_SSO, "cas_proxy_http_loopback": True}
    server = Callback()
    yield server
    server.stop()


@pytest.fixture
def services(db: None, callback: Callback) -> None:
    add_service(
        "Cổng dịch vụ",
        service_url=PORTAL,
        single_logout=False,
        proxy_callback=callback.url + "/pgt/",
        actor="test",
    )
    add_service(
        "Thư công vụ", service_url=MAIL, single_logout=False, accept_proxies=True, actor="test"
    )


def signed_in() -> Client:
    browser = Client()
    assert browser.post("/", {"username": "an.nguyen", "password": PASSWORD}).status_code == 302
    return browser


def service_ticket(browser: Client, service_url: str = PORTAL) -> str:
    response = browser.get("/cas/login", {"service": service_url})
    assert response.status_code == 302, response.content
    [ticket] = parse_qs(urlsplit(response["Location"]).query)["ticket"]
    return ticket


def cas(path: str, **params: str) -> ET.Element:
    response = Client().get(f"/cas/{path}", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314  (govid's own answer)


def failure(root: ET.Element) -> str | None:
    failed = root.find(f"{CAS}authenticationFailure")
    if failed is None:
        failed = root.find(f"{CAS}proxyFailure")
    return failed.get("code") if failed is not None else None


def granted(callback: Callback, browser: Client, path: str = "p3/serviceValidate") -> str:
    """A PGT for the portal, as its callback received it (the IOU matched to the answer)."""
    root = cas(path, service=PORTAL, ticket=service_ticket(browser), pgtUrl=callback.url + "/pgt/")
    iou = root.findtext(f"{CAS}authenticationSuccess/{CAS}proxyGrantingTicket")
    assert iou is not None and iou.startswith("PGTIOU-"), ET.tostring(root)
    [received] = [r for r in callback.received if r.get("pgtIou") == iou]
    assert received["path"] == "/pgt/"
    return received["pgtId"]


def proxy_ticket(pgt: str, target: str = MAIL + "hop-thu/") -> str:
    root = cas("proxy", pgt=pgt, targetService=target)
    ticket = root.findtext(f"{CAS}proxySuccess/{CAS}proxyTicket")
    assert ticket is not None, ET.tostring(root)
    return ticket


def test_the_whole_chain_from_service_ticket_to_proxy_validation(account, services, callback):
    browser = signed_in()
    pgt = granted(callback, browser)
    assert pgt.startswith("PGT-") and len(pgt) <= 64  # CAS 3.0, 3.3
    ticket = proxy_ticket(pgt)
    assert ticket.startswith("PT-") and len(ticket) <= 64
    root = cas("p3/proxyValidate", service=MAIL + "hop-thu/", ticket=ticket)
    done = root.find(f"{CAS}authenticationSuccess")
    assert done is not None, ET.tostring(root)
    assert done.findtext(f"{CAS}user") == LOGIN
    assert done.findtext(f"{CAS}attributes/{CAS}displayName") == "Nguyễn Văn An"
    assert done.findtext(f"{CAS}attributes/{CAS}isFromNewLogin") == "false"
    assert [p.text for p in done.findall(f"{CAS}proxies/{CAS}proxy")] == [callback.url + "/pgt/"]
    assert done.find(f"{CAS}proxyGrantingTicket") is None
    parties = sorted(Visit.objects.filter(protocol="cas").values_list("party", flat=True))
    assert parties == ["Cổng dịch vụ", "Thư công vụ"]


def test_issuing_a_pgt_and_a_pt_is_audited_without_the_tickets(account, services, callback):
    pgt = granted(callback, signed_in())
    ticket = proxy_ticket(pgt)
    [grant] = Event.objects.filter(action="cas_proxy_granted")
    assert (grant.actor, grant.data["proxy"]) == (LOGIN, "Cổng dịch vụ")
    [proxied] = Event.objects.filter(action="cas_proxied")
    assert proxied.actor == LOGIN
    assert (proxied.data["proxy"], proxied.data["target"]) == ("Cổng dịch vụ", "Thư công vụ")
    for event in (grant, proxied):
        assert pgt not in json.dumps(event.data) and ticket not in json.dumps(event.data)


def test_a_proxy_of_a_proxy_lists_the_most_recent_proxy_first(account, services, callback):
    add_service(
        "Nhân sự",
        service_url="https://nhansu.soctrang.gov.vn/",
        single_logout=False,
        accept_proxies=True,
        proxy_callback=callback.url + "/nhansu/",
        actor="test",
    )
    first = proxy_ticket(granted(callback, signed_in()), "https://nhansu.soctrang.gov.vn/")
    root = cas(
        "proxyValidate",
        service="https://nhansu.soctrang.gov.vn/",
        ticket=first,
        pgtUrl=callback.url + "/nhansu/cb",
    )
    iou = root.findtext(f"{CAS}authenticationSuccess/{CAS}proxyGrantingTicket")
    [second_pgt] = [r["pgtId"] for r in callback.received if r.get("pgtIou") == iou]
    answer = cas("proxyValidate", service=MAIL, ticket=proxy_ticket(second_pgt, MAIL))
    proxies = answer.findall(f"{CAS}authenticationSuccess/{CAS}proxies/{CAS}proxy")
    assert [p.text for p in proxies] == [callback.url + "/nhansu/cb", callback.url + "/pgt/"]


def test_a_service_not_allowed_to_proxy_gets_no_pgt_and_its_ticket_is_spent(
    account, services, callback
):
    browser = signed_in()
    ticket = service_ticket(browser, MAIL)
    root = cas("serviceValidate", service=MAIL, ticket=ticket, pgtUrl=callback.url + "/pgt/")
    assert failure(root) == "UNAUTHORIZED_SERVICE_PROXY"
    assert callback.received == []
    assert failure(cas("serviceValidate", service=MAIL, ticket=ticket)) == "INVALID_TICKET"


@pytest.mark.parametrize(
    "pgt_url",
    [
        "/other/",  # beside the registered prefix
        "/pgtx",  # "/pgt/" is the prefix: "/pgtx" is not under it
        "/pgt/#fragment",
    ],
)
def test_a_pgt_url_outside_the_registered_prefix_is_refused(account, services, callback, pgt_url):
    root = cas(
        "serviceValidate",
        service=PORTAL,
        ticket=service_ticket(signed_in()),
        pgtUrl=callback.url + pgt_url,
    )
    assert failure(root) == "INVALID_PROXY_CALLBACK"
    assert callback.received == []


def test_a_plain_http_callback_is_refused_unless_allowed_for_loopback(
    account, services, callback, settings
):
    settings.GOVID_SSO = {**settings.GOVID_SSO, "cas_proxy_http_loopback": False}
    root = cas(
        "p3/serviceValidate",
        service=PORTAL,
        ticket=service_ticket(signed_in()),
        pgtUrl=callback.url + "/pgt/",
    )
    assert failure(root) == "INVALID_PROXY_CALLBACK"
    assert callback.received == []


@pytest.mark.parametrize("status", [500, 404, 302])
def test_a_callback_that_fails_costs_the_pgt_but_not_the_validation(
    account, services, callback, status
):
    callback.status = status
    root = cas(
        "p3/serviceValidate",
        service=PORTAL,
        ticket=service_ticket(signed_in()),
        pgtUrl=callback.url + "/pgt/",
    )
    done = root.find(f"{CAS}authenticationSuccess")
    assert done is not None and done.findtext(f"{CAS}user") == LOGIN
    assert done.find(f"{CAS}proxyGrantingTicket") is None
    [received] = callback.received  # a redirect is not followed
    assert failure(cas("proxy", pgt=received["pgtId"], targetService=MAIL)) == "INVALID_TICKET"


def test_a_callback_whose_certificate_is_not_trusted_gets_no_pgt(account, tmp_path, caplog):
    server, address = _untrusted_https(tmp_path)
    try:
        add_service(
            "Cổng dịch vụ",
            service_url=PORTAL,
            single_logout=False,
            proxy_callback=address + "/pgt/",
            actor="test",
        )
        root = cas(
            "p3/serviceValidate",
            service=PORTAL,
            ticket=service_ticket(signed_in()),
            pgtUrl=address + "/pgt/",
        )
    finally:
        server.shutdown()
        server.server_close()
    assert root.find(f"{CAS}authenticationSuccess/{CAS}user") is not None
    assert root.find(f"{CAS}authenticationSuccess/{CAS}proxyGrantingTicket") is None
    assert server.RequestHandlerClass.seen == []
    assert "SSLCertVerificationError" in caplog.text


def _untrusted_https(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """An https server on 127.0.0.1 with a self-signed certificate (openssl)."""
    subprocess.run(
        [
            "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip

    class Handler(QuietHandler):
        seen: list[str] = []

        def do_GET(self) -> None:
            self.seen.append(self.path)
            self.answer(200, "")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"https://127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize("path", ["serviceValidate", "p3/serviceValidate"])
def test_a_proxy_ticket_is_refused_by_service_validate_and_spent(account, services, callback, path):
    ticket = proxy_ticket(granted(callback, signed_in()))
    root = cas(path, service=MAIL + "hop-thu/", ticket=ticket)
    assert failure(root) == "INVALID_TICKET"
    assert "proxyValidate" in (root.findtext(f"{CAS}authenticationFailure") or "")
    again = cas("proxyValidate", service=MAIL + "hop-thu/", ticket=ticket)
    assert failure(again) == "INVALID_TICKET"


def test_a_proxy_ticket_works_once(account, services, callback):
    ticket = proxy_ticket(granted(callback, signed_in()))
    assert failure(cas("proxyValidate", service=MAIL + "hop-thu/", ticket=ticket)) is None
    assert failure(cas("proxyValidate", service=MAIL + "hop-thu/", ticket=ticket)) == (
        "INVALID_TICKET"
    )


def test_a_proxy_ticket_for_another_service_is_refused(account, services, callback):
    ticket = proxy_ticket(granted(callback, signed_in()))
    root = cas("proxyValidate", service=MAIL + "lich/", ticket=ticket)
    assert failure(root) == "INVALID_SERVICE"


def test_a_proxy_ticket_expires_like_a_service_ticket(account, services, callback, frozen):
    ticket = proxy_ticket(granted(callback, signed_in()))
    clock.advance(timedelta(seconds=11))
    root = cas("proxyValidate", service=MAIL + "hop-thu/", ticket=ticket)
    assert failure(root) == "INVALID_TICKET"


def test_a_proxy_ticket_is_never_from_a_new_login(account, services, callback):
    ticket = proxy_ticket(granted(callback, signed_in()))
    root = cas("proxyValidate", service=MAIL + "hop-thu/", ticket=ticket, renew="true")
    assert failure(root) == "INVALID_TICKET"


def test_a_target_that_does_not_accept_proxies_or_is_unknown_is_refused(
    account, services, callback
):
    add_service(
        "Một cửa", service_url="https://motcua.soctrang.gov.vn/", single_logout=False, actor="test"
    )
    pgt = granted(callback, signed_in())
    assert failure(cas("proxy", pgt=pgt, targetService="https://motcua.soctrang.gov.vn/")) == (
        "UNAUTHORIZED_SERVICE"
    )
    assert failure(cas("proxy", pgt=pgt, targetService="https://la.example/")) == (
        "INVALID_SERVICE"
    )
    assert failure(cas("proxy", pgt=pgt, targetService=PORTAL)) == "UNAUTHORIZED_SERVICE"


def test_proxy_requests_without_a_live_pgt_are_refused(account, services, callback):
    assert failure(cas("proxy", pgt="", targetService=MAIL)) == "INVALID_REQUEST"
    assert failure(cas("proxy", pgt="PGT-123", targetService="")) == "INVALID_REQUEST"
    assert failure(cas("proxy", pgt="PGT-" + "0" * 48, targetService=MAIL)) == "INVALID_TICKET"
    assert failure(cas("proxy", pgt="ST-123", targetService=MAIL)) == "INVALID_TICKET"


def test_a_pgt_ends_with_the_sign_out(account, services, callback):
    browser = signed_in()
    pgt = granted(callback, browser)
    assert proxy_ticket(pgt).startswith("PT-")
    browser.post("/dang-xuat/")
    assert failure(cas("proxy", pgt=pgt, targetService=MAIL)) == "INVALID_TICKET"


def test_a_pgt_ends_with_a_password_reset(account, services, callback, sms, frozen):
    pgt = granted(callback, signed_in())
    challenge = flow.send_code(LOGIN, ip=None)
    flow.reset_password(str(challenge.token), code=last_code(sms), password=NEW_PASSWORD, ip=None)
    assert failure(cas("proxy", pgt=pgt, targetService=MAIL)) == "INVALID_TICKET"


def test_a_pgt_whose_session_timed_out_is_void(account, services, callback):
    browser = signed_in()
    pgt = granted(callback, browser)
    browser.session.delete()  # what the session store does at the idle or absolute timeout
    assert failure(cas("proxy", pgt=pgt, targetService=MAIL)) == "INVALID_TICKET"


def test_a_target_needing_a_second_factor_refuses_a_password_only_proxy(
    account, services, callback, settings
):
    settings.GOVID_FACTORS = {**settings.GOVID_FACTORS, "clients_requiring": "Thư công vụ"}
    pgt = granted(callback, signed_in())
    assert failure(cas("proxy", pgt=pgt, targetService=MAIL)) == "UNAUTHORIZED_SERVICE"


def test_a_failed_callback_logs_no_ticket(account, services, callback, caplog):
    callback.status = 500
    with caplog.at_level(logging.INFO):
        cas(
            "serviceValidate",
            service=PORTAL,
            ticket=service_ticket(signed_in()),
            pgtUrl=callback.url + "/pgt/?secret=1",
        )
    [received] = callback.received
    assert received["secret"] == "1"  # the callback's own parameters are kept (2.5.4)
    assert "Cổng dịch vụ" in caplog.text
    for secret in (received["pgtId"], received["pgtIou"], "secret=1"):
        assert secret not in caplog.text


def test_the_command_registers_who_may_proxy_and_who_accepts_proxies(db):
    def run(*args: str) -> object:
        out = StringIO()
        call_command("sso", *args, stdout=out)
        return json.loads(out.getvalue())

    added = run(
        "add-cas-service", "Cổng", "--service-url", PORTAL,
        "--proxy-callback", "https://congdichvu.soctrang.gov.vn/cas/pgt", "--accept-proxies",
    )  # fmt: skip
    assert added == {
        "name": "Cổng",
        "protocol": "cas",
        "service_url": PORTAL,
        "single_logout": False,
        "proxy_callback": "https://congdichvu.soctrang.gov.vn/cas/pgt",
        "accept_proxies": True,
    }
    assert run("show-cas-service", "Cổng") == added
    plain = run("add-cas-service", "Thư", "--service-url", MAIL)
    assert plain["proxy_callback"] == "" and plain["accept_proxies"] is False
    with pytest.raises(CommandError, match="https"):
        run(
            "add-cas-service", "X", "--service-url", "https://x.soctrang.gov.vn/",
            "--proxy-callback", "http://x.soctrang.gov.vn/pgt",
        )  # fmt: skip


def test_the_administration_lets_proxying_be_changed_and_audits_it(administrator, services):
    service = CasService.objects.get(name="Thư công vụ")
    page = f"/quan-tri/sso/casservice/{service.pk}/change/"
    listed = administrator.get("/quan-tri/sso/casservice/").content.decode()
    assert "Thư công vụ" in listed and "tiền tố địa chỉ nhận vé ủy quyền" in listed.lower()
    refused = administrator.post(
        page, {"proxy_callback": "http://thu.soctrang.gov.vn/pgt", "accept_proxies": "on"}
    )
    assert refused.status_code == 200
    assert "an https address is needed" in refused.content.decode()
    service.refresh_from_db()
    assert service.proxy_callback == ""
    done = administrator.post(page, {"proxy_callback": "https://thu.soctrang.gov.vn/pgt"})
    assert done.status_code == 302
    service.refresh_from_db()
    assert (service.proxy_callback, service.accept_proxies) == (
        "https://thu.soctrang.gov.vn/pgt",
        False,
    )
    [event] = Event.objects.filter(action="client_changed")
    assert event.actor == "quantri@soctrang.gov.vn"
    assert event.data["proxy_callback"] == "https://thu.soctrang.gov.vn/pgt"
    assert administrator.get("/quan-tri/sso/casservice/add/").status_code == 403
