"""Health, readiness, metrics, request ids and the client address behind proxies."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from django.test import RequestFactory

from govid.networks import client_ip
from govid.ops.requests import request_id
from govid.sms.base import SmsError


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_names_each_dependency(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "directory": "ok",
        "sms": "ok",
    }


def test_readyz_is_503_naming_what_is_down(client, db, sms):
    def gateway_down() -> None:
        raise SmsError("gateway down")

    sms.check = gateway_down
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["sms"] == "error: SmsError"
    assert response.json()["checks"]["database"] == "ok"


def test_metrics_count_events_and_login_failures(client, account):
    client.post("/", {"username": "an.nguyen", "password": "Sai@Matkhau1"})
    client.post("/", {"username": "an.nguyen", "password": "Cu@Matkhau2025"})
    text = client.get("/metrics").content.decode()
    assert "govid_login_failures_total" in text
    assert (
        'govid_request_duration_seconds_count{method="POST",status="302",view="sso:login"}' in text
    )


def test_metrics_are_refused_outside_the_allowed_networks(client, settings):
    settings.GOVID_OPS = {"metrics_allow": "10.0.0.0/8"}
    assert client.get("/metrics").status_code == 403


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", "", "", "203.0.113.9"),
        # Without trusted proxies a forged header is ignored.
        ("203.0.113.9", "1.2.3.4", "", "203.0.113.9"),
        ("127.0.0.1", "198.51.100.7", "127.0.0.1/32", "198.51.100.7"),
        # The client wrote a fake first hop; nginx appended the real one.
        ("127.0.0.1", "1.2.3.4, 198.51.100.7", "127.0.0.1/32", "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7, 10.0.0.2", "127.0.0.1/32,10.0.0.0/8", "198.51.100.7"),
        ("127.0.0.1", "not-an-ip", "127.0.0.1/32", "127.0.0.1"),
    ],
)
def test_client_ip_believes_only_trusted_proxies(settings, remote, forwarded, trusted, expected):
    settings.GOVID_OPS = {"trusted_proxies": trusted} if trusted else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_request_id_comes_from_a_trusted_proxy_only(settings):
    settings.GOVID_OPS = {"trusted_proxies": "127.0.0.1/32"}
    factory = RequestFactory()
    assert (
        request_id(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REQUEST_ID="abcdef123456"))
        == "abcdef123456"
    )
    assert (
        request_id(factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="abcdef123456"))
        != "abcdef123456"
    )


def test_each_response_carries_its_request_id_and_logs_too(client, caplog):
    caplog.set_level(logging.WARNING)
    response = client.get("/khong-co-trang-nay/")
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    assert any(getattr(r, "request_id", None) == rid for r in caplog.records)


def test_json_log_lines():
    from govid.ops.logging import JsonFormatter, RequestIdFilter
    from govid.ops.requests import request_id_var

    request_id_var.set("req-42")

    record = logging.LogRecord(
        "govid.sms", logging.INFO, __file__, 1, "sms %s sent", ("code",), None
    )
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "INFO" and line["logger"] == "govid.sms"
    assert line["message"] == "sms code sent" and line["request_id"] == "req-42"


def test_expected_refusals_log_one_warning_line_and_real_errors_stay_errors(client):
    """An unknown Host header is a scanner, not a bug: one WARNING line, no traceback, in the
    operator's log (the console handler as configured); a server error keeps ERROR."""
    import io

    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        assert client.get("/", HTTP_HOST="evil.example").status_code == 400
        logging.getLogger("django.request").error(
            "Internal Server Error: /x", extra={"status_code": 500}
        )
    finally:
        handler.setStream(previous)
    lines = stream.getvalue().splitlines()
    assert [
        line for line in lines if "django.security.DisallowedHost" in line and " WARNING " in line
    ]
    assert not [line for line in lines if "DisallowedHost" in line and " ERROR " in line]
    assert "Traceback" not in stream.getvalue()
    assert [line for line in lines if " ERROR django.request " in line]


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, (), None)


def test_a_line_break_a_visitor_sends_never_starts_a_log_line_of_its_own():
    """Django logs a 404's path as it came (``%0A`` decoded): the line stays one line."""
    from govid.ops.logging import JsonFormatter, PlainFormatter, RequestIdFilter

    forged = "Not Found: /x\n2026-01-01T00:00:00.000Z ERROR govid.sso [-] login_succeeded admin"
    record = _record(forged)
    RequestIdFilter().filter(record)
    plain = PlainFormatter().format(record)
    assert plain.count("\n") == 0
    assert plain.endswith("/x\\n2026-01-01T00:00:00.000Z ERROR govid.sso [-] login_succeeded admin")
    record = _record(forged)
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert line.count("\n") == 0 and json.loads(line)["message"] == forged


def test_log_times_are_utc_whatever_the_machines_zone():
    """Every instance, nginx and gunicorn write one clock: ISO 8601 in UTC, to the millisecond."""
    from govid.ops.logging import JsonFormatter, PlainFormatter, RequestIdFilter

    record = _record("tick")
    RequestIdFilter().filter(record)
    record.created = datetime(2026, 12, 2, 7, 46, 11, 123000, tzinfo=UTC).timestamp()
    record.msecs = 123.0
    assert PlainFormatter().format(record).startswith("2026-12-02T07:46:11.123Z WARNING ")
    assert json.loads(JsonFormatter().format(record))["time"] == "2026-12-02T07:46:11.123Z"
