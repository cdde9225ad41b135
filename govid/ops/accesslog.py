"""The access log, one lean line per request, and the limits every request meets first.

``Served`` wraps govid's WSGI application for the production server (``deploy/serve.py``): it
answers a request line, headers or a body over govid's limits with a short readable 414, 431 or
413 before Django sees them, and writes the access line below once the answer has gone out.
``AccessLogger`` writes the same line under gunicorn (kept for the benchmark's comparison).

gunicorn's own ``access()`` builds a dict of every request header, response header and environ
variable for each line, whatever the format uses; on a login that was a tenth of the server's
time outside the password hash. This logger writes the same line from the six fields it holds:

    2026-12-02T07:46:11.123Z 127.0.0.1 "POST /quen-mat-khau/ HTTP/1.1" 302 0 3ms 5e52923002d0...

(time in UTC, client address, method, path without its query string, protocol, status, bytes
sent, time taken, request id). Query strings are never logged: OIDC redirects carry codes and
tokens there. A line break in the path (``%0A`` decoded) is written as ``\\n``: a visitor
cannot forge a line.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import gettext

LINE = '%s %s "%s %s %s" %s %s %dms %s'
_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r"})


# Longest request target (path and query string) and header field, as nginx's default buffers
# (8 KiB); all header fields together.
LINE_LIMIT = 8 * 1024
FIELD_LIMIT = 8 * 1024
HEADERS_LIMIT = 32 * 1024
# A refused body up to this size is read and discarded after the 413 has gone out (a lingering
# close, as nginx does): closing with unread bytes in the socket makes the kernel reset the
# connection, and a client still sending then loses the answer it was given. A body announced
# larger than this is not waited for: the connection closes at once.
LINGER_LIMIT = 16 * 1024 * 1024
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def access_line(environ: Environ, status: str, sent: int | None, ms: int, request_id: str) -> str:
    return LINE % (
        datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        environ.get("REMOTE_ADDR", "-"),
        environ.get("REQUEST_METHOD", "-"),
        environ.get("PATH_INFO", "-").translate(_BREAKS),
        environ.get("SERVER_PROTOCOL", "-"),
        status.split(None, 1)[0],
        "-" if sent is None else sent,
        ms,
        request_id,
    )


def open_log(target: str) -> int:
    """A file descriptor for ``target`` ("-": the console), opened for appending: each line
    goes out in one write(), whole, whichever thread or process writes it."""
    if target == "-":
        return sys.stdout.fileno()
    return os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)


def body_limit(environ: Environ) -> int | None:
    """The most bytes this request's body may have, or None where the view checks it itself."""
    try:
        view = resolve(environ.get("PATH_INFO", "/")).func
    except Resolver404:
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return (
        None if getattr(view, "body_limited", False) else int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    )


def refusal(environ: Environ) -> tuple[str, str] | None:
    """(status, text) for a request over govid's limits, else None."""
    target = len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", ""))
    if target > LINE_LIMIT:
        return "414 URI Too Long", gettext("Địa chỉ yêu cầu quá dài.")
    total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            total += len(key) + len(value)
            if len(value) > FIELD_LIMIT:
                total = HEADERS_LIMIT + 1
                break
    if total > HEADERS_LIMIT:
        return "431 Request Header Fields Too Large", gettext("Phần đầu của yêu cầu quá lớn.")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        limit = body_limit(environ)
        if limit is not None and length > limit:
            return "413 Content Too Large", gettext("Nội dung gửi lên quá lớn.")
    return None


class Served:
    """govid's WSGI application with its limits in front and the access line behind."""

    def __init__(self, app: WsgiApp, log_to: str | None) -> None:
        self.app = app
        self.fd = None if log_to is None else open_log(log_to)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        started = time.monotonic()
        refused = refusal(environ)
        if refused is not None:
            status, text = refused
            body = f"{status.split(None, 1)[0]} {text}\n".encode()
            headers = [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Connection", "close"),  # the rest of the request is not read
            ]
            start_response(status, headers)
            self.log(environ, status, len(body), started, "-")
            return _Refused(body, environ)
        answer: dict[str, Any] = {}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"] = status
            answer["headers"] = headers
            return start_response(status, headers, exc_info)

        return _Logged(self, environ, self.app(environ, start), answer, started)

    def log(
        self, environ: Environ, status: str, sent: int | None, started: float, rid: str
    ) -> None:
        if self.fd is None:
            return
        ms = int(1000 * (time.monotonic() - started))
        line = access_line(environ, status, sent, ms, rid) + "\n"
        try:
            os.write(self.fd, line.encode("utf-8", "backslashreplace"))
        except OSError:
            traceback.print_exc()


class _Refused:
    """A refusal's short answer; once it has gone out, what the client still sends of a body
    within LINGER_LIMIT is read and dropped, so the answer is not lost to a reset."""

    def __init__(self, body: bytes, environ: Environ) -> None:
        self.body, self.environ = body, environ

    def __iter__(self) -> Iterator[bytes]:
        yield self.body

    def close(self) -> None:
        try:
            left = int(self.environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return
        if left > LINGER_LIMIT:
            return
        stream = self.environ.get("wsgi.input")
        try:
            while left > 0 and stream is not None:
                chunk = stream.read(min(64 * 1024, left))
                if not chunk:
                    return
                left -= len(chunk)
        except Exception:  # the client has gone; its answer went out already
            return


class _Logged:
    """The answer's body, passed through; its access line is written when the server closes it."""

    def __init__(
        self,
        served: Served,
        environ: Environ,
        body: Iterable[bytes],
        answer: dict[str, Any],
        started: float,
    ) -> None:
        self.served, self.environ, self.body = served, environ, body
        self.answer, self.started, self.sent = answer, started, 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            request_id = "-"
            for name, value in self.answer.get("headers", ()):
                if name.lower() == "x-request-id":
                    request_id = value
            status = self.answer.get("status", "500")
            self.served.log(self.environ, status, self.sent, self.started, request_id)


try:
    from gunicorn.glogging import Logger
except ImportError:  # pragma: no cover  (production runs granian; gunicorn is the bench's)
    Logger = object


class AccessLogger(Logger):  # type: ignore[misc]
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        request_id = "-"
        for name, value in resp.headers:
            if name.lower() == "x-request-id":
                request_id = value
        sent = getattr(resp, "sent", None)
        try:
            self.access_log.info(
                LINE,
                datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                environ.get("PATH_INFO", "-").translate(_BREAKS),
                environ.get("SERVER_PROTOCOL", "-"),
                str(resp.status).split(None, 1)[0],
                "-" if sent is None else sent,
                request_time // timedelta(milliseconds=1),
                request_id,
            )
        except Exception:
            self.error(traceback.format_exc())
