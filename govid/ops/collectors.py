"""Metrics read from the database at each scrape: true for every instance and worker at once."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from govid.sms.api import counts_by_purpose_and_state


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
        for (purpose, state), n in counts_by_purpose_and_state().items():
            family.add_metric([purpose, state], n)
        yield family
