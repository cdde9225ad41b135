"""SAML single logout without the browser: an SP built on pysaml2 whose metadata lists a SOAP
SingleLogoutService receives a signed LogoutRequest when the sign-in ends (a sign-out, a lock,
a reset), verifies it and answers; an SP with front-channel bindings alone is named as one
that only the browser reaches."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_tasks import default_task_backend
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, BINDING_SOAP
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.s_utils import status_message_factory
from saml2.samlp import STATUS_REQUEST_DENIED
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from govid import clock
from govid.directory.api import get_directory, set_locked
from govid.sso import signins
from govid.sso.models import SignIn, Visit
from govid.sso.saml.soap_logout import deliver_soap_logout, logout_status
from tests.servers import free_port
from tests.sso.test_saml import Sp, _sp_key_pair, make_sp, sso

pytestmark = pytest.mark.django_db(transaction=True)
LOGIN = "an.nguyen@soctrang.gov.vn"


@dataclass
class SoapSp:
    """An SP on 127.0.0.1 whose SOAP SingleLogoutService verifies what arrives (pysaml2)."""

    sp: Sp
    url: str
    received: list[object] = field(default_factory=list)
    answer: str = "success"  # "success", "denied" or "down"


def _soap_sp_config(folder: Path, entity_id: str, soap_url: str) -> SPConfig:
    key, cert = folder / "sp.key", folder / "sp.crt"
    key_pem, cert_pem = _sp_key_pair()
    key.write_text(key_pem)
    cert.write_text(cert_pem)
    config = SPConfig()
    config.load(
        {
            "entityid": entity_id,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": str(key),
            "cert_file": str(cert),
            "metadata": {"inline": [Client().get("/saml/metadata/").content.decode()]},
            "accepted_time_diff": 60,
            "service": {
                "sp": {
                    "endpoints": {
                        "assertion_consumer_service": [
                            ("https://hoso.soctrang.gov.vn/acs/", BINDING_HTTP_POST)
                        ],
                        "single_logout_service": [
                            (soap_url, BINDING_SOAP),
                            ("https://hoso.soctrang.gov.vn/slo/", BINDING_HTTP_REDIRECT),
                        ],
                    },
                    "authn_requests_signed": True,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "signing_algorithm": SIG_RSA_SHA256,
                    "digest_algorithm": DIGEST_SHA256,
                }
            },
        }
    )
    return config


def _handler(soap: SoapSp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            if soap.answer == "down":
                self.send_response(503)
                self.end_headers()
                return
            client = soap.sp.client
            # pysaml2 checks the signature against govid's metadata (or raises).
            request = client.parse_logout_request(body, BINDING_SOAP)
            soap.received.append(request.message)
            status = None
            if soap.answer == "denied":
                status = status_message_factory("no", STATUS_REQUEST_DENIED)
            response = client.create_logout_response(
                request.message, [BINDING_SOAP], status=status, sign=True
            )
            data = client.apply_binding(BINDING_SOAP, str(response), response=True, sign=False)[
                "data"
            ]
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.end_headers()
            self.wfile.write(str(data).encode())

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def soap_sp(tmp_path: Path, account) -> Iterator[SoapSp]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/soap"
    entity_id = "https://hoso.soctrang.gov.vn/saml/sp"
    config = _soap_sp_config(tmp_path, entity_id, url)
    (tmp_path / "sp.xml").write_bytes(create_metadata_string(None, config=config, sign=False))
    call_command(
        "sso", "add-saml-sp", "--metadata", str(tmp_path / "sp.xml"), "--name", "Hồ sơ công việc",
        stdout=StringIO(),
    )  # fmt: skip
    soap = SoapSp(sp=Sp(entity_id=entity_id, client=Saml2Client(config), folder=tmp_path), url=url)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(soap))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield soap
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(account) -> Client:
    from tests.conftest import PASSWORD

    client = Client()
    assert client.post("/", {"username": "an.nguyen", "password": PASSWORD}).status_code == 302
    return client


def _signed_in_at(sp: Sp, browser: Client) -> Visit:
    request_id, params = sp.request()
    sp.read(sso(browser, params).content.decode(), request_id)
    return Visit.objects.get(protocol="saml", party=sp.entity_id)


def test_a_sign_out_sends_the_sp_a_signed_soap_logout_request_it_verifies(soap_sp, browser):
    visit = _signed_in_at(soap_sp.sp, browser)
    response = browser.post("/dang-xuat/")
    [request] = soap_sp.received
    assert request.name_id.text == visit.subject
    indexes = [i.text for i in request.session_index]
    assert indexes == [visit.detail["session_index"]]
    assert request.signature is not None
    # Told over SOAP: the sign-out page frames no second LogoutRequest for it.
    assert "hoso.soctrang.gov.vn/slo/" not in response.content.decode()


def test_a_lock_reaches_the_sp_without_any_browser(soap_sp, browser):
    _signed_in_at(soap_sp.sp, browser)
    set_locked(get_directory().find(LOGIN), True, actor="admin@soctrang.gov.vn")
    assert len(soap_sp.received) == 1
    assert browser.get("/tai-khoan/").status_code == 302


def test_ending_a_sign_in_from_another_device_reaches_the_sp(soap_sp, browser):
    _signed_in_at(soap_sp.sp, browser)
    sid = browser.session[signins.SID]
    other = Client()
    from tests.conftest import PASSWORD

    other.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert other.post(f"/tai-khoan/phien/{sid}/dang-xuat/").status_code == 302
    assert len(soap_sp.received) == 1


def test_an_sp_that_refuses_is_not_counted_as_signed_out(soap_sp, browser):
    visit = _signed_in_at(soap_sp.sp, browser)
    soap_sp.answer = "denied"
    assert deliver_soap_logout(visit.pk, attempt=1) == "refused"
    soap_sp.answer = "success"
    assert deliver_soap_logout(visit.pk, attempt=1) == "sent"


def test_an_sp_that_is_down_is_tried_again_later_then_given_up(soap_sp, browser):
    visit = _signed_in_at(soap_sp.sp, browser)
    soap_sp.answer = "down"
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        assert deliver_soap_logout(visit.pk, attempt=1) == "retry"
        [queued] = default_task_backend.results
        assert queued.args == [visit.pk, 2]
        assert queued.task.run_after > clock.now()
        assert deliver_soap_logout(visit.pk, attempt=5) == "failed"
        assert len(default_task_backend.results) == 1


def test_an_sp_with_front_channel_bindings_alone_is_named_browser_only(tmp_path, soap_sp, browser):
    front_only = make_sp(tmp_path / "front", "https://vanphong.soctrang.gov.vn/saml/sp")
    _signed_in_at(soap_sp.sp, browser)
    _signed_in_at(front_only, browser)
    visits = list(SignIn.objects.get().visits.all())
    assert [v.party for v in signins.browser_only(visits)] == [front_only.entity_id]
    # The browser's own sign-out still frames a LogoutRequest for it.
    [url] = signins.front_channel_urls(visits)
    assert url.startswith("https://vanphong.soctrang.gov.vn/saml/slo/?SAMLRequest=")


def test_an_answer_to_another_request_or_garbage_is_no_success():
    assert logout_status(b"<not-xml", "id-1") == ""
    assert logout_status(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", "id-1") == ""
    envelope = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<p:LogoutResponse xmlns:p="urn:oasis:names:tc:SAML:2.0:protocol" InResponseTo="id-2">'
        b'<p:Status><p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        b"</p:Status></p:LogoutResponse></s:Body></s:Envelope>"
    )
    assert logout_status(envelope, "id-1") == ""
    assert logout_status(envelope, "id-2").endswith(":Success")


def test_the_account_page_names_the_systems_another_device_cannot_sign_out(
    tmp_path, soap_sp, browser
):
    from tests.conftest import PASSWORD

    front_only = make_sp(
        tmp_path / "front", "https://vanphong.soctrang.gov.vn/saml/sp", "--name", "Văn phòng"
    )
    _signed_in_at(soap_sp.sp, browser)
    _signed_in_at(front_only, browser)
    other = Client()
    other.post("/", {"username": "an.nguyen", "password": PASSWORD})
    page = other.get("/tai-khoan/").content.decode()
    assert (
        "Đăng xuất từ đây không đến được Văn phòng: hãy đăng xuất trên chính thiết bị đó." in page
    )
    assert "không đến được Hồ sơ công việc" not in page  # SOAP reaches it
    answer = other.post(f"/tai-khoan/phien/{browser.session[signins.SID]}/dang-xuat/", follow=True)
    text = answer.content.decode()
    assert "Chưa đăng xuất được khỏi Văn phòng: hãy đăng xuất trên chính thiết bị đó." in text
    assert len(soap_sp.received) == 1


def test_an_sp_that_asked_for_the_logout_hears_back_in_its_answer_not_over_soap(soap_sp, browser):
    from urllib.parse import parse_qs, urlsplit

    from saml2.saml import NameID

    visit = _signed_in_at(soap_sp.sp, browser)
    destination = "http://testserver/saml/slo/redirect/"
    _id, request = soap_sp.sp.client.create_logout_request(
        destination,
        "http://testserver/saml/metadata/",
        name_id=NameID(format=visit.detail["format"], text=visit.subject),
        session_indexes=[visit.detail["session_index"]],
        sign=False,
    )
    info = soap_sp.sp.client.apply_binding(
        BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True, sigalg=SIG_RSA_SHA256
    )
    query = parse_qs(urlsplit(dict(info["headers"])["Location"]).query)
    answer = browser.get(destination, {k: v[0] for k, v in query.items()})
    assert answer.status_code == 302 and "SAMLResponse=" in answer["Location"]
    assert soap_sp.received == []  # told once: by the LogoutResponse
    assert SignIn.objects.get().ended_at is not None
