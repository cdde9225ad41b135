"""Service tickets: issued after a login for one service URL, redeemed once, within seconds."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from govid import clock
from govid.sso.cas.models import CasService, ServiceTicket
from govid.sso.conf import sso_settings
from govid.sso.models import SignIn

PREFIX = "ST-"
# renew=true asks for a ticket from a login that just happened: this recent.
FRESH_LOGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class Validated:
    login: str
    sid: str
    service: CasService
    primary: bool


class TicketRefused(Exception):
    """A validation failure with CAS's code (INVALID_TICKET, INVALID_SERVICE, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def issue(service: CasService, service_url: str, *, sign_in: SignIn, primary: bool) -> str:
    """A new ticket for ``service_url`` (under ``service``); only its hash is stored."""
    now = clock.now()
    # Used or expired tickets of a minute ago are of no use to anyone.
    ServiceTicket.objects.filter(expires_at__lt=now - timedelta(minutes=1)).delete()
    # CAS 3.0, 3.7: letters, digits and "-" only (clients check it: "_" is refused).
    ticket = PREFIX + secrets.token_hex(24)
    ServiceTicket.objects.create(
        ticket_hash=_digest(ticket),
        service=service,
        service_url=service_url,
        sid=sign_in.sid,
        login=sign_in.login,
        primary=primary,
        created_at=now,
        expires_at=now + sso_settings().cas_ticket_ttl,
    )
    return ticket


def is_fresh(sign_in: SignIn) -> bool:
    """Whether the person typed their password for this sign-in a moment ago."""
    return clock.now() - sign_in.started_at <= FRESH_LOGIN


def redeem(ticket: str, service_url: str, *, renew: bool) -> Validated:
    """Use ``ticket`` up (whatever the outcome: CAS 3.0, 3.1.1) and say whom it names."""
    if not ticket.startswith(PREFIX):
        raise TicketRefused(
            "INVALID_TICKET_SPEC", f"Ticket {ticket[:40]!r} is not a service ticket"
        )
    now = clock.now()
    digest = _digest(ticket)
    # Single use even with two instances: one UPDATE wins, the other finds it used.
    if not ServiceTicket.objects.filter(ticket_hash=digest, used_at__isnull=True).update(
        used_at=now
    ):
        raise TicketRefused("INVALID_TICKET", "Ticket not recognized or already used")
    found = ServiceTicket.objects.select_related("service").get(ticket_hash=digest)
    if found.expires_at < now:
        raise TicketRefused("INVALID_TICKET", "Ticket expired")
    if found.service_url != service_url:
        raise TicketRefused("INVALID_SERVICE", "Ticket was issued for another service")
    if renew and not found.primary:
        raise TicketRefused("INVALID_TICKET", "Ticket was not issued from a new login")
    if not SignIn.objects.filter(sid=found.sid, ended_at__isnull=True).exists():
        raise TicketRefused("INVALID_TICKET", "The sign-in behind this ticket has ended")
    return Validated(login=found.login, sid=found.sid, service=found.service, primary=found.primary)
