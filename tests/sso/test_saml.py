"""govid as a SAML 2.0 identity provider, seen by a service provider built on pysaml2: metadata,
both bindings, signatures, NameID formats, attributes, refusals and single logout."""

from __future__ import annotations

import base64
import functools
import json
import re
import subprocess
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.samlp import NameIDPolicy
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from govid.sso import signins
from govid.sso.keys import new_private_key_pem
from govid.sso.models import SignIn, Visit
from govid.sso.saml.idp import EMAIL, PERSISTENT, TRANSIENT
from govid.sso.saml.keys import self_signed_certificate
from govid.sso.saml.models import ServiceProvider
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
IDP = "http://testserver/saml/metadata/"
LOGIN = "an.nguyen@soctrang.gov.vn"
SIGNATURES = re.compile(r"<\w+:SignatureValue>")


@dataclass
class Sp:
    """A SAML service provider (pysaml2's client) registered at govid from its metadata."""

    entity_id: str
    client: Saml2Client
    folder: Path

    def request(
        self, binding: str = BINDING_HTTP_REDIRECT, name_id_format: str | None = None
    ) -> tuple[str, dict[str, str]]:
        """A signed AuthnRequest as the browser brings it: (request id, parameters)."""
        policy = NameIDPolicy(format=name_id_format, allow_create="true")
        destination = (
            f"http://testserver/saml/sso/{'post' if binding == BINDING_HTTP_POST else 'redirect'}/"
        )
        request_id, request = self.client.create_authn_request(
            destination,
            name_id_policy=policy,
            sign=binding == BINDING_HTTP_POST,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        info = self.client.apply_binding(
            binding,
            str(request),
            destination,
            relay_state="/noi-dung/",
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        if binding == BINDING_HTTP_POST:
            return request_id, {
                "SAMLRequest": base64.b64encode(str(request).encode()).decode(),
                "RelayState": "/noi-dung/",
            }
        location = dict(info["headers"])["Location"]
        return request_id, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    def read(self, html: str, request_id: str) -> object:
        """The Response in govid's auto-submitted form, checked as an SP checks it."""
        saml_response = _field(html, "SAMLResponse")
        return self.client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={request_id: "/noi-dung/"}
        )


def _field(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@functools.cache
def _sp_key_pair() -> tuple[str, str]:
    """One key for every test SP: making an RSA key takes a while."""
    key = new_private_key_pem()
    return key, self_signed_certificate(key)


def _sp_config(folder: Path, entity_id: str, idp_metadata: str) -> SPConfig:
    key, cert = folder / "sp.key", folder / "sp.crt"
    if not key.exists():
        key_pem, cert_pem = _sp_key_pair()
        key.write_text(key_pem)
        cert.write_text(cert_pem)
    base = entity_id.rsplit("/", 1)[0]
    config = SPConfig()
    config.load(
        {
            "entityid": entity_id,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": str(key),
            "cert_file": str(cert),
            "metadata": {"inline": [idp_metadata]} if idp_metadata else {},
            "allow_unsolicited": False,
            "accepted_time_diff": 60,
            "service": {
                "sp": {
                    "endpoints": {
                        "assertion_consumer_service": [(f"{base}/acs/", BINDING_HTTP_POST)],
                        "single_logout_service": [(f"{base}/slo/", BINDING_HTTP_REDIRECT)],
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


def make_sp(folder: Path, entity_id: str, *extra: str) -> Sp:
    """An SP registered with ``manage.py sso add-saml-sp --metadata FILE``."""
    folder.mkdir(parents=True, exist_ok=True)
    idp_metadata = Client().get("/saml/metadata/").content.decode()
    config = _sp_config(folder, entity_id, idp_metadata)
    metadata = create_metadata_string(None, config=config, sign=False)
    (folder / "sp.xml").write_bytes(metadata)
    out = StringIO()
    call_command("sso", "add-saml-sp", "--metadata", str(folder / "sp.xml"), *extra, stdout=out)
    assert json.loads(out.getvalue())["entity_id"] == entity_id
    return Sp(entity_id=entity_id, client=Saml2Client(config), folder=folder)


@pytest.fixture
def sp(tmp_path: Path, account) -> Sp:
    return make_sp(
        tmp_path / "sp", "https://vanphong.soctrang.gov.vn/saml/sp", "--name", "Văn phòng điện tử"
    )


@pytest.fixture
def browser(account) -> Client:
    client = Client()
    assert client.post("/", {"username": "an.nguyen", "password": PASSWORD}).status_code == 302
    return client


def sso(client: Client, params: dict[str, str], binding: str = BINDING_HTTP_REDIRECT):
    if binding == BINDING_HTTP_POST:
        return client.post("/saml/sso/post/", params)
    return client.get("/saml/sso/redirect/", params)


def test_the_metadata_names_the_endpoints_of_both_bindings_and_the_signing_certificate(client):
    response = client.get("/saml/metadata/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    text = response.content.decode()
    assert f'entityID="{IDP}"' in text
    for path in ("sso/redirect/", "sso/post/", "slo/redirect/"):
        assert f"http://testserver/saml/{path}" in text
    assert "HTTP-Redirect" in text and "HTTP-POST" in text
    assert "<ns1:X509Certificate>" in text or "X509Certificate>" in text
    for name_format in (PERSISTENT, EMAIL, TRANSIENT):
        assert name_format in text


@pytest.mark.parametrize("binding", [BINDING_HTTP_REDIRECT, BINDING_HTTP_POST])
def test_a_signed_in_person_gets_a_signed_assertion_with_vietnamese_name_and_unit(
    sp, browser, binding
):
    request_id, params = sp.request(binding)
    response = sso(browser, params, binding)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="https://vanphong.soctrang.gov.vn/saml/acs/"' in html
    assert _field(html, "RelayState") == "/noi-dung/"
    answer = sp.read(html, request_id)  # pysaml2 checks the assertion's signature (xmlsec1)
    ava = answer.get_identity()
    assert ava["mail"] == [LOGIN]
    assert ava["displayName"] == ["Nguyễn Văn An"]
    assert ava["ou"] == ["Phòng Văn hóa và Thông tin"]
    xml = base64.b64decode(_field(html, "SAMLResponse")).decode()
    assert "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" in xml
    assert "http://www.w3.org/2001/04/xmlenc#sha256" in xml
    assert len(SIGNATURES.findall(xml)) == 1  # the assertion's; the Response only on request


def test_the_signature_verifies_with_xmlsec1_against_the_published_certificate(
    sp, browser, tmp_path
):
    _request_id, params = sp.request()
    html = sso(browser, params).content.decode()
    xml = tmp_path / "response.xml"
    xml.write_bytes(base64.b64decode(_field(html, "SAMLResponse")))
    idp_metadata = Client().get("/saml/metadata/").content.decode()
    body = idp_metadata.split("X509Certificate>")[1].rsplit("</", 1)[0]
    pem = tmp_path / "idp.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n" + body.strip() + "\n-----END CERTIFICATE-----\n")
    result = subprocess.run(
        [
            "/usr/bin/xmlsec1",
            "--verify",
            "--pubkey-cert-pem",
            str(pem),
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            str(xml),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stderr


def test_an_sp_that_asks_gets_the_whole_response_signed_too(tmp_path, account, browser):
    signed = make_sp(
        tmp_path / "signed", "https://motcua.soctrang.gov.vn/saml/sp", "--sign-response"
    )
    request_id, params = signed.request()
    html = sso(browser, params).content.decode()
    xml = base64.b64decode(_field(html, "SAMLResponse")).decode()
    assert len(SIGNATURES.findall(xml)) == 2
    assert signed.read(html, request_id).get_identity()["mail"] == [LOGIN]


def test_the_persistent_name_id_is_stable_per_sp_and_never_the_address(tmp_path, sp, browser):
    other = make_sp(tmp_path / "other", "https://nhansu.soctrang.gov.vn/saml/sp")
    ids = []
    for each in (sp, sp, other):
        request_id, params = each.request(name_id_format=PERSISTENT)
        answer = each.read(sso(browser, params).content.decode(), request_id)
        assert answer.name_id.format == PERSISTENT
        ids.append(answer.name_id.text)
    assert ids[0] == ids[1] != ids[2]
    assert "an.nguyen" not in ids[0] and len(ids[0]) == 64


def test_the_email_and_transient_formats(sp, browser):
    request_id, params = sp.request(name_id_format=EMAIL)
    answer = sp.read(sso(browser, params).content.decode(), request_id)
    assert (answer.name_id.format, answer.name_id.text) == (EMAIL, LOGIN)
    transients = []
    for _ in range(2):
        request_id, params = sp.request(name_id_format=TRANSIENT)
        answer = sp.read(sso(browser, params).content.decode(), request_id)
        assert answer.name_id.format == TRANSIENT
        transients.append(answer.name_id.text)
    assert transients[0] != transients[1]


def test_an_sp_renames_or_drops_attributes(tmp_path, account, browser):
    mapped = make_sp(
        tmp_path / "mapped", "https://thu.soctrang.gov.vn/saml/sp",
        "--attribute", "mail=email", "--attribute", "unit=",
    )  # fmt: skip
    request_id, params = mapped.request()
    ava = mapped.read(sso(browser, params).content.decode(), request_id).get_identity()
    assert ava["email"] == [LOGIN]
    assert "ou" not in ava and "mail" not in ava
    assert ava["displayName"] == ["Nguyễn Văn An"]


def test_the_visit_is_recorded_with_what_logout_needs(sp, browser):
    request_id, params = sp.request(name_id_format=TRANSIENT)
    answer = sp.read(sso(browser, params).content.decode(), request_id)
    visit = Visit.objects.get(protocol="saml", party=sp.entity_id)
    assert visit.party_name == "Văn phòng điện tử"
    assert visit.subject == answer.name_id.text
    assert visit.detail["format"] == TRANSIENT
    assert visit.detail["session_index"] == answer.assertion.authn_statement[0].session_index


def test_a_person_not_signed_in_logs_in_first_and_comes_back_to_the_sp(sp, client):
    request_id, params = sp.request()
    response = sso(client, params)
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith("/?next=")
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    response = client.post(
        login_url, {"username": "an.nguyen", "password": PASSWORD, "next": next_url}
    )
    assert response["Location"] == next_url
    html = client.get(next_url).content.decode()
    assert sp.read(html, request_id).get_identity()["displayName"] == ["Nguyễn Văn An"]


def test_an_unknown_sp_gets_a_clear_page_not_an_assertion(tmp_path, account, browser):
    stranger = make_sp(tmp_path / "stranger", "https://la.example.com/saml/sp")
    ServiceProvider.objects.filter(entity_id=stranger.entity_id).delete()
    _id, params = stranger.request()
    response = sso(browser, params)
    assert response.status_code == 403
    assert "chưa được đăng ký" in response.content.decode()
    assert "SAMLResponse" not in response.content.decode()


def test_a_request_with_a_bad_or_missing_signature_is_refused(sp, browser):
    _id, params = sp.request()
    tampered = {**params, "RelayState": "/khac/"}  # the signature covered the old RelayState
    response = sso(browser, tampered)
    assert response.status_code == 400
    assert "chữ ký" in response.content.decode()
    unsigned = {k: v for k, v in params.items() if k not in ("Signature", "SigAlg")}
    assert sso(browser, unsigned).status_code == 400
    _id, post_params = sp.request(BINDING_HTTP_POST)
    assert sso(browser, post_params, BINDING_HTTP_POST).status_code == 200


def test_an_authn_request_is_answered_once(sp, browser):
    _id, params = sp.request()
    assert sso(browser, params).status_code == 200
    again = sso(browser, params)
    assert again.status_code == 400
    assert "đã được dùng" in again.content.decode()


def test_garbage_is_a_400_page(browser):
    for params in ({}, {"SAMLRequest": "không phải SAML"}, {"SAMLRequest": "PHg+"}):
        response = browser.get("/saml/sso/redirect/", params)
        assert response.status_code == 400
        assert "không hợp lệ" in response.content.decode()


def _logout_request(sp: Sp, visit: Visit) -> dict[str, str]:
    from saml2.saml import NameID

    destination = "http://testserver/saml/slo/redirect/"
    _id, request = sp.client.create_logout_request(
        destination, IDP, name_id=NameID(format=visit.detail["format"], text=visit.subject),
        session_indexes=[visit.detail["session_index"]], sign=False,
    )  # fmt: skip
    info = sp.client.apply_binding(
        BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True, sigalg=SIG_RSA_SHA256
    )
    location = dict(info["headers"])["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@pytest.mark.django_db(transaction=True)
def test_sp_initiated_logout_ends_the_sign_in_and_answers_the_sp(sp, browser):
    request_id, params = sp.request()
    sp.read(sso(browser, params).content.decode(), request_id)
    visit = Visit.objects.get(protocol="saml", party=sp.entity_id)
    response = browser.get("/saml/slo/redirect/", _logout_request(sp, visit))
    assert response.status_code == 302
    back = urlsplit(response["Location"])
    assert back.netloc == "vanphong.soctrang.gov.vn" and back.path == "/saml/slo/"
    query = parse_qs(back.query)
    assert "SAMLResponse" in query and "Signature" in query
    answer = sp.client.parse_logout_request_response(
        query["SAMLResponse"][0], BINDING_HTTP_REDIRECT
    )
    assert answer.response.status.status_code.value.endswith(":Success")
    assert browser.get("/tai-khoan/").status_code == 302  # govid's own session is gone
    assert SignIn.objects.get().ended_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_logout_request_from_another_browser_ends_the_sign_in_it_names(sp, browser):
    request_id, params = sp.request()
    sp.read(sso(browser, params).content.decode(), request_id)
    visit = Visit.objects.get(protocol="saml", party=sp.entity_id)
    response = Client().get("/saml/slo/redirect/", _logout_request(sp, visit))
    assert response.status_code == 302
    assert browser.get("/tai-khoan/").status_code == 302


def test_a_forged_logout_request_ends_nothing(sp, browser):
    request_id, params = sp.request()
    sp.read(sso(browser, params).content.decode(), request_id)
    visit = Visit.objects.get(protocol="saml", party=sp.entity_id)
    forged = {**_logout_request(sp, visit), "RelayState": "x"}
    assert browser.get("/saml/slo/redirect/", forged).status_code == 400
    assert browser.get("/tai-khoan/").status_code == 200


def test_govids_sign_out_gives_a_signed_logout_request_for_each_saml_sp(sp, browser):
    request_id, params = sp.request(name_id_format=TRANSIENT)
    sp.read(sso(browser, params).content.decode(), request_id)
    visit = Visit.objects.get(protocol="saml", party=sp.entity_id)
    [url] = signins.front_channel_urls([visit])
    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == "https://vanphong.soctrang.gov.vn/saml/slo/"
    )
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["SigAlg"] == SIG_RSA_SHA256
    request = sp.client.parse_logout_request(
        query["SAMLRequest"],
        BINDING_HTTP_REDIRECT,
        sigalg=query["SigAlg"],
        signature=query["Signature"],
    )
    assert request.message.name_id.text == visit.subject
    assert [i.text for i in request.message.session_index] == [visit.detail["session_index"]]


def test_the_sp_commands_list_show_and_remove(sp):
    out = StringIO()
    call_command("sso", "list-saml-sp", stdout=out)
    [listed] = json.loads(out.getvalue())
    assert listed["name"] == "Văn phòng điện tử" and listed["require_signed_requests"] is True
    out = StringIO()
    call_command("sso", "show-saml-sp", sp.entity_id, stdout=out)
    assert "SPSSODescriptor" in json.loads(out.getvalue())["metadata"]
    out = StringIO()
    call_command("sso", "remove-saml-sp", sp.entity_id, stdout=out)
    assert json.loads(out.getvalue()) == {"entity_id": sp.entity_id, "removed": True}
    assert not ServiceProvider.objects.exists()


def test_bad_metadata_is_refused_with_a_reason(tmp_path, db):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.xml"
    bad.write_text("<html>không phải siêu dữ liệu</html>")
    with pytest.raises(CommandError, match="exactly one SAML service provider"):
        call_command("sso", "add-saml-sp", "--metadata", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("sso", "add-saml-sp", "--metadata", str(tmp_path / "none.xml"))


def test_the_administration_lists_the_sps_in_vietnamese(sp, administrator):
    response = administrator.get("/quan-tri/sso/serviceprovider/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Văn phòng điện tử" in page and sp.entity_id in page
    assert "Mã thực thể" in page and "Tên hệ thống" in page
    # Added from the metadata only (the command line), never typed in by hand.
    assert administrator.get("/quan-tri/sso/serviceprovider/add/").status_code == 403
    [row] = ServiceProvider.objects.all()
    change = administrator.get(f"/quan-tri/sso/serviceprovider/{row.pk}/change/")
    assert change.status_code == 200
    assert "Ký cả thông điệp trả lời" in change.content.decode()


def test_the_administration_audits_a_change_and_a_removal_of_an_sp(sp, administrator):
    from govid.audit.models import Event

    [row] = ServiceProvider.objects.all()
    page = f"/quan-tri/sso/serviceprovider/{row.pk}/change/"
    answer = administrator.post(
        page,
        {
            "name": "Văn phòng điện tử (mới)",
            "name_id_format": row.name_id_format,
            "sign_response": "on",
            "attribute_map": json.dumps(row.attribute_map),
        },
    )
    assert answer.status_code == 302
    [changed] = Event.objects.filter(action="client_changed", actor="quantri@soctrang.gov.vn")
    assert changed.subject == sp.entity_id
    assert changed.data["client"] == "Văn phòng điện tử (mới)"
    assert changed.data["sign_response"] is True and changed.data["protocol"] == "saml"
    removal = administrator.post(f"/quan-tri/sso/serviceprovider/{row.pk}/delete/", {"post": "yes"})
    assert removal.status_code == 302 and not ServiceProvider.objects.exists()
    [removed] = Event.objects.filter(action="client_removed")
    assert (removed.actor, removed.subject) == ("quantri@soctrang.gov.vn", sp.entity_id)
    assert removed.data["client"] == "Văn phòng điện tử (mới)"
