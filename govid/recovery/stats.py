"""How recoveries went, per account, for the back office's reports."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db.models import Q

from govid import clock
from govid.recovery.models import Challenge


def outcomes_since(since: datetime) -> tuple[Counter[str], Counter[str]]:
    """(succeeded, failed) counts per login of the challenges started since ``since``.

    A challenge failed if it ended without a reset (too many wrong codes, SMS not sent) or
    expired unused; one still running counts as neither.
    """
    now = clock.now()
    started = Challenge.objects.filter(created_at__gte=since)
    succeeded = Counter(
        started.filter(end_reason=Challenge.End.USED).values_list("login", flat=True)
    )
    ended_badly = Q(end_reason__in=[Challenge.End.ATTEMPTS, Challenge.End.SMS_FAILED])
    expired = Q(end_reason="", expires_at__lte=now)
    failed = Counter(started.filter(ended_badly | expired).values_list("login", flat=True))
    return succeeded, failed
