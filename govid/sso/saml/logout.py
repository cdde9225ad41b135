"""Single logout: an SP's LogoutRequest ends govid's sign-in (and every system it reached);
govid's own sign-out sends a LogoutRequest to every SAML SP the sign-in reached."""

from __future__ import annotations

from dataclasses import dataclass

from saml2 import BINDING_HTTP_REDIRECT
from saml2.saml import NameID
from saml2.samlp import STATUS_PARTIAL_LOGOUT, LogoutRequest, Status, StatusCode
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from govid.sso.models import SignIn, Visit
from govid.sso.saml.idp import Endpoints, SamlError, parse_from_sp, server_for
from govid.sso.saml.models import ServiceProvider


@dataclass(frozen=True)
class LogoutRequestRead:
    sp: ServiceProvider
    server: Server
    message: LogoutRequest
    relay_state: str

    @property
    def name_id(self) -> str:
        name_id = self.message.name_id
        return str(name_id.text) if name_id is not None and name_id.text else ""

    @property
    def session_indexes(self) -> list[str]:
        return [str(index.text) for index in self.message.session_index or [] if index.text]


def read_logout_request(
    where: Endpoints, binding: str, params: dict[str, str]
) -> LogoutRequestRead:
    """The LogoutRequest in ``params``, from a registered SP, signed if that SP must sign."""
    sp, server, message = parse_from_sp(where, binding, params, "parse_logout_request")
    return LogoutRequestRead(
        sp=sp, server=server, message=message, relay_state=params.get("RelayState", "")
    )


def sign_in_named_by(read: LogoutRequestRead) -> SignIn | None:
    """The live sign-in whose visit to this SP carries the request's NameID (and one of its
    SessionIndexes, when it names some)."""
    visits = Visit.objects.filter(
        protocol="saml",
        party=read.sp.entity_id,
        subject=read.name_id,
        sign_in__ended_at__isnull=True,
    ).select_related("sign_in")
    indexes = set(read.session_indexes)
    for visit in visits:
        if not indexes or visit.detail.get("session_index") in indexes:
            return visit.sign_in
    return None


def logout_response_url(read: LogoutRequestRead, *, success: bool = True) -> str:
    """Where the browser takes the signed LogoutResponse (HTTP-Redirect) back to the SP."""
    status = None
    if not success:
        status = Status(status_code=StatusCode(value=STATUS_PARTIAL_LOGOUT))
    try:
        response = read.server.create_logout_response(
            read.message,
            [BINDING_HTTP_REDIRECT],
            status=status,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        destination = read.server.response_args(read.message, [BINDING_HTTP_REDIRECT])
    except Exception as error:  # the SP's metadata names no HTTP-Redirect logout endpoint
        raise SamlError("no_logout_endpoint") from error
    info = read.server.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        destination["destination"],
        read.relay_state,
        response=True,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return _location(info)


def front_logout_url(visit: Visit) -> str | None:
    """A signed LogoutRequest (HTTP-Redirect) for the SP of ``visit``: the browser opens it
    (an iframe of govid's sign-out page); None when the SP is gone or has no such endpoint."""
    sp = ServiceProvider.objects.filter(entity_id=visit.party).first()
    base = visit.detail.get("idp")
    if sp is None or not base or not visit.subject:
        return None
    server = server_for(Endpoints(base=str(base)), sp)
    try:
        destinations = server.metadata.single_logout_service(
            sp.entity_id, BINDING_HTTP_REDIRECT, "spsso"
        )
    except Exception:  # metadata without an SPSSODescriptor: nothing to send to
        return None
    if not destinations:
        return None
    destination = destinations[0]["location"]
    name_id, indexes = visit_names(visit, sp, server)
    _id, request = server.create_logout_request(
        destination,
        server.config.entityid,
        name_id=name_id,
        session_indexes=indexes,
        sign=False,  # HTTP-Redirect signs the query string instead
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    info = server.apply_binding(
        BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True, sigalg=SIG_RSA_SHA256
    )
    return _location(info)


def visit_names(
    visit: Visit, sp: ServiceProvider, server: Server
) -> tuple[NameID, list[str] | None]:
    """The NameID and SessionIndex the SP received for this visit, for a LogoutRequest."""
    name_id = NameID(
        format=visit.detail.get("format") or None,
        sp_name_qualifier=sp.entity_id,
        name_qualifier=server.config.entityid,
        text=visit.subject,
    )
    index = visit.detail.get("session_index")
    return name_id, [index] if index else None


def _location(info: dict[str, object]) -> str:
    headers = info.get("headers") or []
    for name, value in headers:  # type: ignore[attr-defined]
        if str(name).lower() == "location":
            return str(value)
    raise SamlError("malformed")
