"""Reading the audit log: counts for reports, filtered pages for auditors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from govid.audit.models import Event


def action_of(event: Event) -> str:
    """The action of an event sent with ``event_recorded`` ("login", "code_sent", ...): what
    a counter outside the audit (metrics) reads of it."""
    return event.action


def counts_by_subject(actions: Collection[str], since: datetime) -> Counter[str]:
    """How many events of ``actions`` each subject had since ``since``."""
    rows = Event.objects.filter(action__in=list(actions), at__gte=since)
    return Counter(rows.values_list("subject", flat=True))


@dataclass(frozen=True)
class EventFilter:
    """What the auditor asks for; every field given narrows the events (AND).

    ``actions``: any of these actions (a kind of events). ``person``: a login, or part of one,
    as the actor or the subject. ``units``: events that name one of these units (as their
    subject or their data's ``unit``) or are about one of ``about`` (the units' accounts, their
    requests); None asks nothing of units, an empty tuple finds nothing.
    """

    action: str = ""
    actor: str = ""
    subject: str = ""
    since: datetime | None = None
    until: datetime | None = None
    actions: tuple[str, ...] = ()
    person: str = ""
    units: tuple[str, ...] | None = None
    about: tuple[str, ...] = ()


def find_events(f: EventFilter) -> QuerySet[Event]:
    """Events matching the filter, newest first."""
    rows = Event.objects.all()
    if f.action:
        rows = rows.filter(action=f.action)
    if f.actions:
        rows = rows.filter(action__in=list(f.actions))
    if f.person:
        rows = rows.filter(Q(actor__icontains=f.person) | Q(subject__icontains=f.person))
    if f.units is not None:
        codes = list(f.units)
        rows = rows.filter(
            Q(subject__in=codes) | Q(data__unit__in=codes) | Q(subject__in=list(f.about))
        )
    if f.actor:
        rows = rows.filter(actor__icontains=f.actor)
    if f.subject:
        rows = rows.filter(subject__icontains=f.subject)
    if f.since:
        rows = rows.filter(at__gte=f.since)
    if f.until:
        rows = rows.filter(at__lt=f.until)
    return rows.order_by("-seq")


def last_time_of(action: str, subject: OuterRef) -> Subquery:
    """The time of the newest ``action`` event about ``subject``, to annotate a query with."""
    rows = Event.objects.filter(action=action, subject=subject).order_by("-seq").values("at")
    return Subquery(rows[:1])
