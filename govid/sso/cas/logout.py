"""CAS single logout: each service that asked for it gets a ``logoutRequest`` POST per ticket
the sign-in received, from a background task with retries."""

from __future__ import annotations

import logging
from datetime import UTC

from django.db import transaction
from django_tasks import task, task_backends

from govid import clock
from govid.sso import signins
from govid.sso.cas.models import CasService
from govid.sso.cas.responses import logout_request
from govid.sso.logout_posts import post_form, retry_wait
from govid.sso.models import Visit

log = logging.getLogger("govid.sso")

PROTOCOL = "cas"
TICKET_KEY = "st:"  # a visit's detail keeps each ticket as "st:ST-..." -> its service URL


def tickets_of(visit: Visit) -> dict[str, str]:
    """The tickets a visit received, with the service URL each was issued for."""
    return {
        key[len(TICKET_KEY) :]: str(url)
        for key, url in visit.detail.items()
        if key.startswith(TICKET_KEY)
    }


def queue_single_logout(visit: Visit) -> None:
    """The back-channel sender: one task per ticket, for services with single logout on."""
    service = CasService.objects.filter(name=visit.party).first()
    if service is None or not service.single_logout:
        return
    for ticket in tickets_of(visit):
        send_single_logout.enqueue(visit.pk, ticket, 1)


@task()
def send_single_logout(visit_id: int, ticket: str, attempt: int) -> str:
    """The background task: one delivery attempt of one logoutRequest."""
    return deliver_single_logout(visit_id, ticket=ticket, attempt=attempt)


def deliver_single_logout(visit_id: int, *, ticket: str, attempt: int) -> str:
    """POST the logoutRequest to the ticket's service URL; "sent", "retry" or "failed"."""
    visit = Visit.objects.filter(pk=visit_id).first()
    url = tickets_of(visit).get(ticket) if visit is not None else None
    if visit is None or not url:
        return "gone"
    message = logout_request(ticket, now=clock.now().astimezone(UTC))
    status, why = post_form(url, {"logoutRequest": message})
    if 200 <= status < 400:
        log.info("CAS single logout sent to %s", visit.party)
        return "sent"
    wait = retry_wait(attempt)
    if wait is None:
        log.warning("CAS single logout to %s failed: %s", visit.party, why)
        return "failed"
    log.info("CAS single logout to %s: %s; try %d in %s", visit.party, why, attempt + 1, wait)
    if task_backends[send_single_logout.backend].supports_defer:
        later = send_single_logout.using(run_after=clock.now() + wait)
        transaction.on_commit(lambda: later.enqueue(visit_id, ticket, attempt + 1))
    return "retry"


def reaches_from_afar(visit: Visit) -> bool:
    """Whether the visit's service asked for single logout (the others are never told)."""
    return CasService.objects.filter(name=visit.party, single_logout=True).exists()


signins.register_logout(PROTOCOL, back=queue_single_logout, afar=reaches_from_afar)
