"""Metrics read from the database at each scrape: true for every instance and worker at once."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from govid.sms.models import Message


class SmsStates(Collector):
    """govid_sms_messages{purpose, state}: how many message records are in each state.

    Codes sent are ``purpose="code"`` in ``sent`` or ``delivered``; a rising ``failed`` or a
    ``queued`` that does not drain is the alert to set.
    """

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "govid_sms_messages",
            "SMS message records by purpose (code, notice) and state "
            "(queued, sent, delivered, failed, expired)",
            labels=["purpose", "state"],
        )
        counts = {
            (row["purpose"], row["state"]): row["n"]
            for row in Message.objects.values("purpose", "state").annotate(n=Count("id"))
        }
        for purpose in Message.Purpose.values:
            for state in Message.State.values:
                family.add_metric([purpose, state], counts.get((purpose, state), 0))
        yield family
