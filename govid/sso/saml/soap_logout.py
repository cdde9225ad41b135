"""SAML single logout without the browser: a signed LogoutRequest over the SOAP binding, sent
by the worker with retries to each SP of an ended sign-in that lists a SOAP
SingleLogoutService in its metadata.

A password reset, a lock or "Đăng xuất" for another device ends a sign-in where the person's
browser is not: only a server-to-server message reaches the SPs then. SPs whose metadata offer
front-channel bindings alone can be signed out only by the browser that signed in to them
(govid's sign-out page frames their LogoutRequest); ``reaches_from_afar`` says which is which,
so that nothing claims more than happened.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request

import defusedxml.ElementTree as SafeET
from django.db import transaction
from django_tasks import task, task_backends
from saml2 import BINDING_SOAP
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from govid import clock
from govid.sso.conf import sso_settings
from govid.sso.logout_posts import retry_wait
from govid.sso.models import Visit
from govid.sso.saml.idp import Endpoints, server_for
from govid.sso.saml.logout import visit_names
from govid.sso.saml.models import ServiceProvider

log = logging.getLogger("govid.sso")

SOAP_NS = "{http://schemas.xmlsoap.org/soap/envelope/}"
SAMLP_NS = "{urn:oasis:names:tc:SAML:2.0:protocol}"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
# SAML Bindings 2.0, 3.2.3.3: the SOAPAction a SAML requester sends.
SOAP_ACTION = "http://www.oasis-open.org/committees/security"


def soap_logout_url(sp: ServiceProvider, base: str) -> str | None:
    """The SP's SOAP SingleLogoutService, if its metadata lists one."""
    server = server_for(Endpoints(base=base), sp)
    try:
        found = server.metadata.single_logout_service(sp.entity_id, BINDING_SOAP, "spsso")
    except Exception:  # metadata without an SPSSODescriptor: nothing to send to
        return None
    return str(found[0]["location"]) if found else None


def _sp_and_base(visit: Visit) -> tuple[ServiceProvider, str] | None:
    sp = ServiceProvider.objects.filter(entity_id=visit.party).first()
    base = visit.detail.get("idp")
    if sp is None or not base or not visit.subject:
        return None
    return sp, str(base)


def reaches_from_afar(visit: Visit) -> bool:
    """Whether govid can sign this visit out of its SP without the person's browser."""
    found = _sp_and_base(visit)
    return found is not None and soap_logout_url(*found) is not None


def queue_soap_logout(visit: Visit) -> None:
    """The back-channel sender: a task for each SP that takes SOAP logout; the others are
    noted in the log (the browser's sign-out page is all that reaches them)."""
    if reaches_from_afar(visit):
        send_soap_logout.enqueue(visit.pk, 1)
    else:
        log.info("SAML SP %s takes no SOAP logout: only a browser sign-out reaches it", visit.party)


@task()
def send_soap_logout(visit_id: int, attempt: int) -> str:
    """The background task: one delivery attempt of one SOAP LogoutRequest."""
    return deliver_soap_logout(visit_id, attempt=attempt)


def deliver_soap_logout(visit_id: int, *, attempt: int) -> str:
    """POST the signed LogoutRequest: "sent", "refused" (the SP answered with another status),
    "retry" (queued again, later), "failed" or "gone"."""
    visit = Visit.objects.select_related("sign_in").filter(pk=visit_id).first()
    found = _sp_and_base(visit) if visit is not None else None
    url = soap_logout_url(*found) if found is not None else None
    if visit is None or found is None or url is None:
        return "gone"
    request_id, envelope = logout_envelope(visit, found[0], found[1], url)
    status, body = _post_soap(url, envelope)
    if status == 200:
        answer = logout_status(body, request_id)
        if answer == SUCCESS:
            log.info("SAML SOAP logout sent to %s", visit.party)
            return "sent"
        log.warning("SAML SOAP logout to %s answered %s", visit.party, answer or "no status")
        return "refused"
    wait = retry_wait(attempt)
    why = f"HTTP {status}" if status else "no answer"
    if wait is None:
        log.warning("SAML SOAP logout to %s failed: %s", visit.party, why)
        return "failed"
    log.info("SAML SOAP logout to %s: %s; try %d in %s", visit.party, why, attempt + 1, wait)
    if task_backends[send_soap_logout.backend].supports_defer:
        later = send_soap_logout.using(run_after=clock.now() + wait)
        transaction.on_commit(lambda: later.enqueue(visit_id, attempt + 1))
    return "retry"


def logout_envelope(visit: Visit, sp: ServiceProvider, base: str, url: str) -> tuple[str, str]:
    """(request id, the SOAP envelope of a LogoutRequest signed inside, RSA-SHA256) naming the
    visit's NameID and SessionIndex, as the SP received them."""
    server = server_for(Endpoints(base=base), sp)
    name_id, indexes = visit_names(visit, sp, server)
    request_id, request = server.create_logout_request(
        url,
        server.config.entityid,
        name_id=name_id,
        session_indexes=indexes,
        reason="urn:oasis:names:tc:SAML:2.0:logout:admin",
        sign=True,  # the SOAP binding has no query string to sign: the message carries it
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    info = server.apply_binding(BINDING_SOAP, str(request), url, sign=False)
    return str(request_id), str(info["data"])


def _post_soap(url: str, envelope: str) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310  (an administrator registered the metadata)
        url,
        data=envelope.encode(),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": SOAP_ACTION},
        method="POST",
    )
    timeout = sso_settings().backchannel_timeout.total_seconds()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.status, answer.read(1_000_000)
    except urllib.error.HTTPError as error:
        return error.code, b""
    except (OSError, ValueError):
        return 0, b""


def logout_status(body: bytes, request_id: str) -> str:
    """The top StatusCode of the LogoutResponse in a SOAP answer to ``request_id`` ("" when
    the answer is not one)."""
    try:
        root = SafeET.fromstring(body)
    except Exception:  # not XML, or XML with entities: not an answer
        return ""
    response = root.find(f"{SOAP_NS}Body/{SAMLP_NS}LogoutResponse")
    if response is None or response.get("InResponseTo") != request_id:
        return ""
    code = response.find(f"{SAMLP_NS}Status/{SAMLP_NS}StatusCode")
    return str(code.get("Value", "")) if code is not None else ""
