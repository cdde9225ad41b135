"""Log records carry the request id; in production they are JSON lines."""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from govid.ops.requests import request_id_var


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )


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
