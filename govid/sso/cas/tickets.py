"""Service and proxy tickets: issued for one service URL (after a login, or to a proxy),
redeemed once, within seconds."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from govid import clock
from govid.sso.cas.models import CasService, ProxyGrantingTicket, ServiceTicket
from govid.sso.conf import sso_settings
from govid.sso.models import SignIn

PREFIX = "ST-"
PROXY_PREFIX = "PT-"
# renew=true asks for a ticket from a login that just happened: this recent.
FRESH_LOGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class Validated:
    login: str
    sid: str
    service: CasService
    primary: bool
    # A proxy ticket's chain (cas:proxies): the callback URLs, the most recent first.
    proxies: tuple[str, ...] = ()


class TicketRefused(Exception):
    """A validation failure with CAS's code (INVALID_TICKET, INVALID_SERVICE, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def digest(ticket: str) -> str:
    """What is stored of a ticket: its SHA-256 (a ticket is random, so no key is needed)."""
    return hashlib.sha256(ticket.encode()).hexdigest()


def new_ticket(prefix: str) -> str:
    # CAS 3.0, 3.7: letters, digits and "-" only (clients check it: "_" is refused).
    return prefix + secrets.token_hex(24)


def issue(
    service: CasService,
    service_url: str,
    *,
    sign_in: SignIn,
    primary: bool,
    granted_by: ProxyGrantingTicket | None = None,
) -> str:
    """A new ticket for ``service_url`` (under ``service``): a proxy ticket when ``granted_by``
    a PGT; only its hash is stored."""
    now = clock.now()
    # Used or expired tickets of a minute ago are of no use to anyone.
    ServiceTicket.objects.filter(expires_at__lt=now - timedelta(minutes=1)).delete()
    ticket = new_ticket(PREFIX if granted_by is None else PROXY_PREFIX)
    ServiceTicket.objects.create(
        ticket_hash=digest(ticket),
        service=service,
        service_url=service_url,
        sid=sign_in.sid,
        login=sign_in.login,
        primary=primary,
        granted_by=granted_by,
        created_at=now,
        expires_at=now + sso_settings().cas_ticket_ttl,
    )
    return ticket


def is_fresh(sign_in: SignIn) -> bool:
    """Whether the person typed their password for this sign-in a moment ago."""
    return clock.now() - sign_in.started_at <= FRESH_LOGIN


def redeem(ticket: str, service_url: str, *, renew: bool, proxied: bool = False) -> Validated:
    """Use ``ticket`` up (whatever the outcome: CAS 3.0, 3.1.1) and say whom it names; a proxy
    ticket only when ``proxied`` (/proxyValidate: /serviceValidate refuses them, 2.5)."""
    if not ticket.startswith((PREFIX, PROXY_PREFIX)):
        raise TicketRefused(
            "INVALID_TICKET_SPEC", f"Ticket {ticket[:40]!r} is not a service or proxy ticket"
        )
    now = clock.now()
    hashed = digest(ticket)
    # Single use even with two instances: one UPDATE wins, the other finds it used.
    if not ServiceTicket.objects.filter(ticket_hash=hashed, used_at__isnull=True).update(
        used_at=now
    ):
        raise TicketRefused("INVALID_TICKET", "Ticket not recognized or already used")
    found = ServiceTicket.objects.select_related("service", "granted_by").get(ticket_hash=hashed)
    if found.granted_by is not None and not proxied:
        raise TicketRefused(
            "INVALID_TICKET", "A proxy ticket is not valid here: present it to /proxyValidate"
        )
    if found.expires_at < now:
        raise TicketRefused("INVALID_TICKET", "Ticket expired")
    if found.service_url != service_url:
        raise TicketRefused("INVALID_SERVICE", "Ticket was issued for another service")
    if found.granted_by is not None and not found.service.accept_proxies:
        raise TicketRefused("INVALID_TICKET", "The service no longer accepts proxy tickets")
    if renew and not found.primary:
        raise TicketRefused("INVALID_TICKET", "Ticket was not issued from a new login")
    if not SignIn.objects.filter(sid=found.sid, ended_at__isnull=True).exists():
        raise TicketRefused("INVALID_TICKET", "The sign-in behind this ticket has ended")
    chain = tuple(found.granted_by.proxies) if found.granted_by is not None else ()
    return Validated(
        login=found.login,
        sid=found.sid,
        service=found.service,
        primary=found.primary,
        proxies=chain,
    )
