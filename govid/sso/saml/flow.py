"""Web SSO: read an SP's AuthnRequest, answer it with a signed assertion about the person."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import defusedxml.ElementTree as SafeET
from django.core.cache import cache
from saml2.saml import NameID
from saml2.samlp import AuthnRequest
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from govid import clock
from govid.keyed import keyed_hash
from govid.sso.saml.idp import (
    ASSERTION_NS,
    EMAIL,
    NAME_ID_FORMATS,
    PERSISTENT,
    TRANSIENT,
    UNSPECIFIED,
    Endpoints,
    SamlError,
    parse_from_sp,
)
from govid.sso.saml.models import ServiceProvider

# The AuthnContextClassRef of the assertion: SAML 2.0's class for a password over TLS, and the
# REFEDS multi-factor profile (what Shibboleth, Keycloak and SimpleSAMLphp SPs ask for) once
# the sign-in showed a second factor. An SP asks for the latter in RequestedAuthnContext.
AUTHN_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MFA_CONTEXT = "https://refeds.org/profile/mfa"
# An AuthnRequest is answered at most this long after it was made (the person may have to
# log in first); its ID is remembered as long, so that it is answered once.
REQUEST_LIFE = timedelta(hours=1)
PERSISTENT_PURPOSE = "govid.sso.saml.persistent_name_id"

# What govid releases, under the names SPs know (SAML2 URI name format: the attribute's OID;
# pysaml2's maps turn the friendly names into them).
DEFAULT_ATTRIBUTES = ("mail", "displayName", "unit")
FRIENDLY = {"mail": "mail", "displayName": "displayName", "unit": "ou"}


@dataclass(frozen=True)
class Person:
    sub: str
    login: str
    name: str
    unit_name: str


@dataclass(frozen=True)
class AuthnRequestRead:
    sp: ServiceProvider
    server: Server
    message: AuthnRequest
    relay_state: str


@dataclass(frozen=True)
class Answer:
    """The auto-submitted form to the SP's AssertionConsumerService, and what logout needs."""

    action: str
    saml_response: str  # base64, as the form carries it
    relay_state: str
    name_id: str
    name_id_format: str
    session_index: str


def read_authn_request(where: Endpoints, binding: str, params: dict[str, str]) -> AuthnRequestRead:
    """The AuthnRequest in ``params``, from a registered SP, signed if that SP must sign."""
    sp, server, request = parse_from_sp(where, binding, params, "parse_authn_request")
    assert isinstance(request, AuthnRequest)  # noqa: S101  (pysaml2's parse_authn_request)
    issued = _instant(request.issue_instant)
    now = clock.now()
    if issued is None or issued > now + timedelta(seconds=120) or issued < now - REQUEST_LIFE:
        raise SamlError("expired")
    if _already_answered(sp, request.id):
        raise SamlError("replayed")
    return AuthnRequestRead(
        sp=sp, server=server, message=request, relay_state=params.get("RelayState", "")
    )


def wants_second_factor(read: AuthnRequestRead) -> bool:
    """Whether the AuthnRequest's RequestedAuthnContext names the multi-factor class."""
    context = read.message.requested_authn_context
    refs = context.authn_context_class_ref if context is not None else []
    return any((ref.text or "").strip() == MFA_CONTEXT for ref in refs or [])


def answer(
    read: AuthnRequestRead, person: Person, *, session_index_root: str, second_factor: bool = False
) -> Answer:
    """A Response with a signed assertion (the whole Response signed too if the SP asks),
    its AuthnContextClassRef saying whether the sign-in showed a second factor; each
    AuthnRequest is answered once."""
    sp, server = read.sp, read.server
    name_format = _name_id_format(read)
    name_id = NameID(
        format=name_format,
        sp_name_qualifier=sp.entity_id,
        name_qualifier=server.config.entityid,
        text=name_id_value(person, sp, name_format),
    )
    try:
        args = server.response_args(read.message)
    except Exception as error:  # an AssertionConsumerService the metadata does not list
        raise SamlError("bad_acs") from error
    if not _remember_answered(sp, read.message.id):
        raise SamlError("replayed")
    response = server.create_authn_response(
        released_attributes(person, sp),
        in_response_to=args["in_response_to"],
        destination=args["destination"],
        sp_entity_id=sp.entity_id,
        name_id=name_id,
        userid=person.login,
        authn={
            "class_ref": MFA_CONTEXT if second_factor else AUTHN_CONTEXT,
            "authn_auth": server.config.entityid,
        },
        sign_assertion=True,
        sign_response=sp.sign_response,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    xml = str(response)
    return Answer(
        action=args["destination"],
        saml_response=base64.b64encode(xml.encode()).decode(),
        relay_state=read.relay_state,
        name_id=name_id.text,
        name_id_format=name_format,
        session_index=_session_index(xml) or session_index_root,
    )


def name_id_value(person: Person, sp: ServiceProvider, name_format: str) -> str:
    """Persistent: stable per person and SP, unlinkable between SPs, never the address."""
    if name_format == EMAIL:
        return person.login
    if name_format == TRANSIENT:
        return "_" + secrets.token_hex(20)
    return keyed_hash(PERSISTENT_PURPOSE, f"{person.sub}|{sp.entity_id}").hex()


def released_attributes(person: Person, sp: ServiceProvider) -> dict[str, list[str]]:
    """mail, displayName and unit (as ``ou``) under the SP's own names where it set some;
    an SP's ``{"unit": null}`` drops one."""
    values = {"mail": person.login, "displayName": person.name, "unit": person.unit_name}
    mapping: dict[str, Any] = sp.attribute_map or {}
    released = {}
    for key in DEFAULT_ATTRIBUTES:
        name = mapping.get(key, FRIENDLY[key])
        if name and values[key]:
            released[str(name)] = [values[key]]
    return released


def _name_id_format(read: AuthnRequestRead) -> str:
    policy = read.message.name_id_policy
    asked = policy.format if policy is not None and policy.format else UNSPECIFIED
    if asked == UNSPECIFIED:
        return read.sp.name_id_format or PERSISTENT
    if asked not in NAME_ID_FORMATS:
        raise SamlError("name_id_format")
    return str(asked)


def _session_index(xml: str) -> str:
    root = SafeET.fromstring(xml.encode())
    statement = root.find(f".//{ASSERTION_NS}AuthnStatement")
    return statement.get("SessionIndex", "") if statement is not None else ""


def _instant(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _answered_key(sp: ServiceProvider, request_id: str) -> str:
    return "saml.answered." + keyed_hash("govid.sso.saml.answered", f"{sp.pk}|{request_id}").hex()


def _already_answered(sp: ServiceProvider, request_id: str) -> bool:
    return cache.get(_answered_key(sp, request_id)) is not None


def _remember_answered(sp: ServiceProvider, request_id: str) -> bool:
    """False if this request was answered before (on any instance sharing the cache)."""
    seconds = int(REQUEST_LIFE.total_seconds()) + 300
    return bool(cache.add(_answered_key(sp, request_id), 1, timeout=seconds))
