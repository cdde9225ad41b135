"""CAS 3.0 proxying: a proxy-granting ticket handed to a service's callback (2.5.4), and the
proxy tickets it buys for the services that accept them (2.7).

Only a service registered with a proxy callback may proxy, only to a ``pgtUrl`` under that
prefix, over https (certificate verified); only a service registered to accept proxies takes a
proxy ticket. A PGT lasts as long as the sign-in it came from.
"""

from __future__ import annotations

import logging
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib import import_module
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction

from govid import clock
from govid.audit.api import record
from govid.sso.cas import tickets
from govid.sso.cas.models import CasService, ProxyGrantingTicket
from govid.sso.cas.services import LOOPBACK_HOSTS, find_service, under
from govid.sso.cas.tickets import TicketRefused
from govid.sso.conf import sso_settings
from govid.sso.factors.assurance import assurance_of, required_for
from govid.sso.models import SignIn

log = logging.getLogger("govid.sso")

PGT_PREFIX = "PGT-"
IOU_PREFIX = "PGTIOU-"
# CAS 3.0 recommends limiting the pgtUrl's length; a registered prefix is far shorter.
LONGEST_CALLBACK = 2000


@dataclass(frozen=True)
class Proxied:
    """A proxy ticket issued: for whom, by which proxy, to which service."""

    ticket: str
    login: str
    proxy: CasService
    target: CasService


def check_callback(service: CasService, pgt_url: str) -> None:
    """Refuse (TicketRefused) a ``pgtUrl`` that ``service`` may not receive a PGT at."""
    if not service.proxy_callback:
        raise TicketRefused(
            "UNAUTHORIZED_SERVICE_PROXY", "The service is not authorized to perform proxy requests"
        )
    parts = urlsplit(pgt_url)
    if (
        len(pgt_url) > LONGEST_CALLBACK
        or parts.fragment
        or not under(pgt_url, service.proxy_callback)
    ):
        raise TicketRefused(
            "INVALID_PROXY_CALLBACK", "The pgtUrl is not under the service's proxy callback"
        )
    loopback = parts.hostname in LOOPBACK_HOSTS and sso_settings().cas_proxy_http_loopback
    if not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
        raise TicketRefused("INVALID_PROXY_CALLBACK", "The pgtUrl must be an https address")


def grant(
    service: CasService,
    pgt_url: str,
    *,
    sid: str,
    login: str,
    chain: tuple[str, ...],
    ip: str | None,
) -> str | None:
    """A PGT for ``service``, if its callback at ``pgt_url`` answers 200 to receiving it: the
    PGTIOU for the validation's answer; None (no PGT at all) when the callback failed.
    ``chain``: the proxies of the ticket just validated (a proxy of a proxy); ``ip``: the
    validating service's address, for the audit."""
    sign_in = SignIn.objects.filter(sid=sid, ended_at__isnull=True).first()
    if sign_in is None:
        return None
    pgt, iou = tickets.new_ticket(PGT_PREFIX), tickets.new_ticket(IOU_PREFIX)
    if not _deliver(pgt_url, pgt=pgt, iou=iou, service=service.name):
        return None
    with transaction.atomic():
        # The PGTs of ended sign-ins are void: gone with the next one issued.
        ProxyGrantingTicket.objects.filter(sign_in__ended_at__isnull=False).delete()
        ProxyGrantingTicket.objects.create(
            ticket_hash=tickets.digest(pgt),
            service=service,
            sign_in=sign_in,
            login=login,
            proxies=[pgt_url, *chain],
            created_at=clock.now(),
        )
        record("cas_proxy_granted", actor=login, subject=login, ip=ip, proxy=service.name)
    return iou


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Only the pgtUrl itself may receive the PGT: a redirect is a failed callback."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _deliver(url: str, *, pgt: str, iou: str, service: str) -> bool:
    """GET ``url`` with pgtIou and pgtId (its own parameters kept): whether it answered 200."""
    joiner = "&" if urlsplit(url).query else "?"
    target = f"{url.rstrip('?&')}{joiner}{urlencode({'pgtIou': iou, 'pgtId': pgt})}"
    # The default context checks the certificate's chain, dates and host name (CAS 3.0: PKIX).
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ssl.create_default_context()), _NoRedirect
    )
    timeout = sso_settings().cas_proxy_callback_timeout.total_seconds()
    try:
        with opener.open(target, timeout=timeout) as answer:  # the checked pgtUrl
            status, why = answer.status, f"HTTP {answer.status}"
    except urllib.error.HTTPError as error:
        status, why = error.code, f"HTTP {error.code}"
    except urllib.error.URLError as error:  # refused, timed out, an untrusted certificate
        cause = error.reason if isinstance(error.reason, BaseException) else error
        status, why = 0, type(cause).__name__
    except (OSError, ValueError) as error:
        status, why = 0, type(error).__name__
    if status != 200:
        # The URL and the tickets stay out of the log: the PGT would be usable by its reader.
        log.warning("CAS proxy callback of %s failed (%s): no proxy-granting ticket", service, why)
        return False
    return True


def proxy_ticket(pgt: str, target_url: str, *, ip: str | None) -> Proxied:
    """A proxy ticket for ``target_url`` bought with ``pgt`` (CAS 3.0, 2.7), or TicketRefused;
    ``ip``: the proxy's address, for the audit."""
    found = (
        ProxyGrantingTicket.objects.select_related("service", "sign_in")
        .filter(ticket_hash=tickets.digest(pgt))
        .first()
        if pgt.startswith(PGT_PREFIX)
        else None
    )
    if found is None:
        raise TicketRefused("INVALID_TICKET", "Proxy-granting ticket not recognized")
    if not _lasts(found.sign_in):
        found.delete()
        raise TicketRefused("INVALID_TICKET", "The sign-in behind this ticket has ended")
    if not found.service.proxy_callback:  # no longer allowed to proxy: its PGTs went with it
        raise TicketRefused(
            "UNAUTHORIZED_SERVICE_PROXY", "The service is not authorized to perform proxy requests"
        )
    target = find_service(target_url)
    if target is None:
        raise TicketRefused("INVALID_SERVICE", "targetService is not a registered service")
    if not target.accept_proxies:
        raise TicketRefused("UNAUTHORIZED_SERVICE", "targetService does not accept proxy tickets")
    if required_for(target.name) and not assurance_of(found.sign_in.sid).second_factor:
        # A proxy must not reach, with a password alone, what the person reaches only with more.
        raise TicketRefused(
            "UNAUTHORIZED_SERVICE", "targetService needs a second factor this sign-in did not show"
        )
    with transaction.atomic():
        ticket = tickets.issue(
            target, target_url, sign_in=found.sign_in, primary=False, granted_by=found
        )
        record(
            "cas_proxied",
            actor=found.login,
            subject=found.login,
            ip=ip,
            proxy=found.service.name,
            target=target.name,
        )
    return Proxied(ticket=ticket, login=found.login, proxy=found.service, target=target)


def _lasts(sign_in: SignIn) -> bool:
    """Whether the sign-in is still on: not ended, and its session not gone (timed out)."""
    if sign_in.ended_at is not None:
        return False
    if not sign_in.session_key:
        return True
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    return bool(store.exists(sign_in.session_key))
