"""Prometheus metrics: events by kind, failed logins, request latency."""

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
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from govid.audit.models import Event
from govid.audit.signals import event_recorded
from govid.ops.conf import ops_settings
from govid.ops.requests import client_ip

EVENTS = Counter(
    "govid_events_total", "Audited state changes (logins, codes sent, resets, ...)", ["action"]
)
LOGIN_FAILURES = Counter("govid_login_failures_total", "Logins refused (wrong password, ...)")
SMS = Counter(
    "govid_sms_total", "SMS handed to a gateway, by purpose and outcome", ["purpose", "outcome"]
)
LATENCY = Histogram(
    "govid_request_duration_seconds",
    "Time to answer a request",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


@receiver(event_recorded)
def _count_event(sender: Any, event: Event, **kwargs: Any) -> None:
    action = event.action
    transaction.on_commit(lambda: EVENTS.labels(action=action).inc())


@receiver(user_login_failed)
def _count_login_failure(sender: Any, **kwargs: Any) -> None:
    LOGIN_FAILURES.inc()


def count_sms(purpose: str, outcome: str) -> None:
    SMS.labels(purpose=purpose, outcome=outcome).inc()


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
        # Several gunicorn processes: add up what each one wrote.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        data = generate_latest(registry)
    else:
        data = generate_latest()
    return HttpResponse(data, content_type=CONTENT_TYPE_LATEST)
