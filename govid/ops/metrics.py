"""Prometheus metrics: logins, recoveries by outcome, audited events, SMS states, latency.

Counters are kept by the web processes (added up across the server's processes through
PROMETHEUS_MULTIPROC_DIR); SMS states are read from the message records at each scrape, so
they hold whatever process (a worker, another instance) moved a message.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from govid.audit.api import action_of, event_recorded
from govid.networks import client_ip
from govid.ops.collectors import SmsStates
from govid.ops.conf import ops_settings
from govid.recovery.api import step_done

EVENTS = Counter(
    "govid_events_total", "Audited state changes (logins, codes sent, resets, ...)", ["action"]
)
LOGINS = Counter("govid_logins_total", "Login attempts by outcome", ["outcome"])
LOGIN_FAILURES = Counter("govid_login_failures_total", "Logins refused (wrong password, ...)")
RECOVERIES = Counter(
    "govid_recoveries_total",
    "Recovery steps by outcome: step code (a code sent), resend, reset; outcome ok or the "
    "refusal (daily_limit, wrong_code, code_expired, too_many_attempts, password_policy, ...)",
    ["step", "outcome"],
)
LATENCY = Histogram(
    "govid_request_duration_seconds",
    "Time to answer a request",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# The audit's name for each login outcome.
LOGIN_OUTCOMES = {"login": "ok", "login_failed": "wrong_password", "login_refused": "held"}


@receiver(event_recorded)
def _count_event(sender: Any, event: Any, **kwargs: Any) -> None:
    action = action_of(event)

    def count() -> None:
        EVENTS.labels(action=action).inc()
        if action in LOGIN_OUTCOMES:
            LOGINS.labels(outcome=LOGIN_OUTCOMES[action]).inc()

    transaction.on_commit(count)  # a rolled-back change never happened


@receiver(user_login_failed)
def _count_login_failure(sender: Any, **kwargs: Any) -> None:
    LOGIN_FAILURES.inc()


@receiver(step_done)
def _count_recovery_step(sender: Any, step: str, outcome: str, **kwargs: Any) -> None:
    RECOVERIES.labels(step=step, outcome=outcome).inc()


def _allowed(request: HttpRequest) -> bool:
    ip = client_ip(request)
    if ip is None:
        return False
    address = ipaddress.ip_address(ip)
    return any(
        address in ipaddress.ip_network(n, strict=False) for n in ops_settings().metrics_allow
    )


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format; only for the networks in GOVID_OPS_METRICS_ALLOW."""
    if not _allowed(request):
        return HttpResponse(status=403)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several server processes: add up what each one wrote.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    from_database = CollectorRegistry()
    from_database.register(SmsStates())
    data = generate_latest(registry) + generate_latest(from_database)
    return HttpResponse(data, content_type=CONTENT_TYPE_LATEST)
