"""govid as a SAML 2.0 identity provider, built on pysaml2 (signatures by Debian's xmlsec1).

A pysaml2 ``Server`` is made for each message, knowing only govid's own endpoints and the one
SP the message is from (its stored metadata): nothing is cached between instances, and a
removed SP is unknown at once.
"""

from __future__ import annotations

import base64
import functools
import shutil
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as SafeET
from django.conf import settings
from django.http import HttpRequest
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.response import IncorrectlySigned
from saml2.s_utils import decode_base64_and_inflate
from saml2.saml import NAME_FORMAT_URI
from saml2.server import Server
from saml2.sigver import SignatureError
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from govid.sso.conf import sso_settings
from govid.sso.saml.keys import IdpKeyFiles, idp_key_files
from govid.sso.saml.models import ServiceProvider

ASSERTION_NS = "{urn:oasis:names:tc:SAML:2.0:assertion}"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
NAME_ID_FORMATS = (PERSISTENT, EMAIL, TRANSIENT)
# An AuthnRequest or LogoutRequest is accepted this long after it was made (seconds of clock
# difference between govid and the SP, both ways).
TIME_SLACK = 120
# How long the assertion may be used by the SP after govid made it.
ASSERTION_MINUTES = 5


class SamlError(Exception):
    """A message govid cannot act on; ``code`` is stable, the view words it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Endpoints:
    base: str  # https://login.example.gov.vn, no trailing slash

    @property
    def entity_id(self) -> str:
        return f"{self.base}/saml/metadata/"

    @property
    def sso_redirect(self) -> str:
        return f"{self.base}/saml/sso/redirect/"

    @property
    def sso_post(self) -> str:
        return f"{self.base}/saml/sso/post/"

    @property
    def slo_redirect(self) -> str:
        return f"{self.base}/saml/slo/redirect/"

    @property
    def slo_post(self) -> str:
        return f"{self.base}/saml/slo/post/"


def endpoints_for(request: HttpRequest | None = None) -> Endpoints:
    """govid's SAML endpoints: under GOVID_SSO_ISSUER, or the site the request reached."""
    issuer = sso_settings().issuer.rstrip("/")
    if issuer or request is None:
        return Endpoints(base=issuer or settings.GOVID_PUBLIC_URL)
    return Endpoints(base=request.build_absolute_uri("/").rstrip("/"))


def xmlsec_binary() -> str:
    return shutil.which("xmlsec1") or "/usr/bin/xmlsec1"


def server_for(where: Endpoints, sp: ServiceProvider | None) -> Server:
    """A pysaml2 IdP that knows govid's endpoints and key, and ``sp`` alone (made once per
    version of the SP's registration: reading the key and the metadata takes a while)."""
    files = idp_key_files(settings.VAR_DIR)
    if sp is None:
        return _cached_server(where, None, files)
    version = (sp.entity_id, sp.metadata, sp.sign_response, sp.require_signed_requests)
    return _cached_server(where, version, files)


@functools.lru_cache(maxsize=64)
def _cached_server(
    where: Endpoints, version: tuple[str, str, bool, bool] | None, files: IdpKeyFiles
) -> Server:
    if version is None:
        return _server(where, None, files)
    entity_id, metadata, sign_response, require_signed = version
    sp = ServiceProvider(
        entity_id=entity_id,
        metadata=metadata,
        sign_response=sign_response,
        require_signed_requests=require_signed,
    )
    return _server(where, sp, files)


def _server(where: Endpoints, sp: ServiceProvider | None, files: IdpKeyFiles) -> Server:
    config = IdPConfig()
    config.load(
        {
            "entityid": where.entity_id,
            "xmlsec_binary": xmlsec_binary(),
            "key_file": str(files.key),
            "cert_file": str(files.cert),
            "metadata": {"inline": [sp.metadata]} if sp is not None else {},
            "accepted_time_diff": TIME_SLACK,
            "signing_algorithm": SIG_RSA_SHA256,
            "digest_algorithm": DIGEST_SHA256,
            "service": {
                "idp": {
                    "name": "govid",
                    "endpoints": {
                        "single_sign_on_service": [
                            (where.sso_redirect, BINDING_HTTP_REDIRECT),
                            (where.sso_post, BINDING_HTTP_POST),
                        ],
                        "single_logout_service": [
                            (where.slo_redirect, BINDING_HTTP_REDIRECT),
                            (where.slo_post, BINDING_HTTP_POST),
                        ],
                    },
                    "name_id_format": list(NAME_ID_FORMATS),
                    "want_authn_requests_signed": bool(sp and sp.require_signed_requests),
                    "sign_assertion": True,
                    "sign_response": bool(sp and sp.sign_response),
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": ASSERTION_MINUTES},
                            "name_form": NAME_FORMAT_URI,
                            "attribute_restrictions": None,
                            "fail_on_missing_requested": False,
                        }
                    },
                }
            },
        }
    )
    return Server(config=config)


def metadata_xml(where: Endpoints) -> str:
    """govid's IdP metadata: entity id, SSO and SLO endpoints, signing certificate."""
    text: str = create_metadata_string(
        None, config=server_for(where, None).config, valid=24 * 7, sign=False
    ).decode()
    return text


def message_issuer(message: str, binding: str) -> str:
    """The Issuer of a SAML request or response as it arrived (before any check): which SP's
    metadata to check it against."""
    try:
        if binding == BINDING_HTTP_REDIRECT:
            xml = decode_base64_and_inflate(message)
        else:
            xml = base64.b64decode(message, validate=False)
        root = SafeET.fromstring(xml)
    except Exception as error:  # any malformed input is the sender's fault
        raise SamlError("malformed") from error
    issuer = root.find(f"{ASSERTION_NS}Issuer")
    if issuer is None or not (issuer.text or "").strip():
        raise SamlError("malformed")
    return str(issuer.text).strip()


def sp_named(entity_id: str) -> ServiceProvider:
    sp = ServiceProvider.objects.filter(entity_id=entity_id).first()
    if sp is None:
        raise SamlError("unknown_sp")
    return sp


def parse_from_sp(
    where: Endpoints, binding: str, params: dict[str, str], method: str
) -> tuple[ServiceProvider, Server, Any]:
    """The SP's message in ``params`` (``SAMLRequest``), read by pysaml2's ``method``
    (``parse_authn_request``, ``parse_logout_request``): from a registered SP, signed if that
    SP must sign. Returns the SP, the server answering it and the message."""
    message = params.get("SAMLRequest", "")
    if not message:
        raise SamlError("malformed")
    sp = sp_named(message_issuer(message, binding))
    server = server_for(where, sp)
    try:
        parsed = getattr(server, method)(
            message,
            binding,
            relay_state=params.get("RelayState"),
            sigalg=params.get("SigAlg"),
            signature=params.get("Signature"),
        )
    except (IncorrectlySigned, SignatureError) as error:
        raise SamlError("bad_signature") from error
    except Exception as error:  # pysaml2 raises many kinds for a malformed message
        raise SamlError("malformed") from error
    if parsed is None or parsed.message is None:
        raise SamlError("malformed")
    return sp, server, parsed.message


def binding_of(request: HttpRequest) -> str:
    return str(BINDING_HTTP_POST if request.method == "POST" else BINDING_HTTP_REDIRECT)


def saml_params(request: HttpRequest) -> dict[str, str]:
    """The SAML message's parameters, from the query (HTTP-Redirect) or the form (HTTP-POST)."""
    source: Any = request.POST if request.method == "POST" else request.GET
    names = ("SAMLRequest", "SAMLResponse", "RelayState", "SigAlg", "Signature")
    return {name: source[name] for name in names if source.get(name)}
