"""Leases on rows a worker sends (an SMS, a notice e-mail): a row is taken by setting
``lease_until``, so that no other worker takes it meanwhile; a worker that dies mid-send
leaves the lease to run out, and the row is free again.

A leased model has ``state``, ``next_attempt_at``, ``lease_until`` and ``attempts``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet

QUEUED = "queued"


def unleased(now: datetime) -> Q:
    """Rows no worker holds at ``now``: never leased, or their lease ran out."""
    return Q(lease_until__isnull=True) | Q(lease_until__lte=now)


def take(rows: QuerySet[Any], now: datetime, lease: timedelta) -> int:
    """Lease those of ``rows`` that are queued, due and free, one attempt more each, in one
    UPDATE (of two workers, one takes a row); how many were taken."""
    free = rows.filter(state=QUEUED, next_attempt_at__lte=now).filter(unleased(now))
    return free.update(lease_until=now + lease, attempts=F("attempts") + 1)
