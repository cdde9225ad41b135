"""Log records carry the request id; in production they are JSON lines."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from govid.ops.requests import request_id_var


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def utc_time(record: logging.LogRecord) -> str:
    """The record's time in UTC, ISO 8601 to the millisecond: ``2026-12-02T07:46:11.123Z``.

    Every instance writes the same clock whatever its machine's zone, and the lines of nginx,
    the server and several instances sort into one timeline.
    """
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(record.msecs):03d}Z"


# What a person can type into a form (a login, a header) must not start a log line of its own.
_BREAKS = str.maketrans(
    {"\n": "\\n", "\r": "\\r", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


class PlainFormatter(logging.Formatter):
    """``time level logger [request id] message``: one line per record, time in UTC.

    Line breaks inside the message are written as ``\\n``, so nothing a visitor sends can
    forge a line; a traceback (a real error's) still follows on its own lines.
    """

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_time(record)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = record.message.translate(_BREAKS)
        return super().formatMessage(record)


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_time(record)


class ExpectedRefusalFilter(logging.Filter):
    """Keep the line, drop the traceback, for refusals that are answers and not bugs: a 4xx
    logged by Django (permission denied, bad request), the security refusals (unknown host,
    body too big). A scanner's garbage then costs one WARNING line, and an operator who
    watches ERROR sees only what needs them; a real 500 keeps its level and its trace.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        security = record.name.startswith("django.security.")
        if security or (record.name == "django.request" and status is not None and status < 500):
            record.exc_info = None
            record.exc_text = None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
