"""A stand-in for a carrier's paid brandname API, speaking the two shapes of HttpGateway's
presets on the wire (it cannot run here for real: it is a paid service).

``/json``: JSON body with ApiKey/SecretKey/Brandname/Phone/Content/RequestId; answers
``{"CodeResult": "100", "SMSID": ...}``, or code 118 for a wrong number and 99 when busy.
``/form``: form body with HTTP Basic credentials; answers ``ID: <id>``, or ``ERR: 114, ...``
(HTTP 400) for a wrong number and ``ERR: 301, ...`` (HTTP 503) when busy.
Numbers starting 84999 are wrong, 84998 busy.
``/echo/<how>``: a carrier that refuses everything (HTTP 400) and echoes the request it got
(JSON, form or query string) in its error answer, the text first: ``raw`` as received on the
wire, or its fields as ``json`` (every character but letters and spaces a ``\\uXXXX`` escape),
``percent`` (every character but letters percent-encoded) or ``html`` (numeric entities).
``/echo/<how>/busy`` echoes the same way with HTTP 503 (try again later).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from tests.servers import loopback_http
from tests.servers.loopback_http import QuietHandler

USERNAME = "govid-api"
PASSWORD = "api-secret"
WRONG, BUSY = "84999", "84998"


@dataclass
class Carrier:
    received: list[dict[str, Any]] = field(default_factory=list)
    echoes: list[str] = field(default_factory=list)  # the texts /echo/ sent back
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return loopback_http.url(self.server)

    def start(self) -> Carrier:
        ids = itertools.count(1)
        carrier = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.startswith("/echo/"):
                    status, body, kind = carrier.answer_echo(self.path, raw, self.headers)
                elif self.path == "/json":
                    status, body, kind = carrier.answer_json(raw, next(ids))
                elif self.path == "/form":
                    status, body, kind = carrier.answer_form(raw, self.headers, next(ids))
                else:
                    status, body, kind = 404, "not found", "text/plain"
                self.answer(status, body, kind)

        self.server = loopback_http.serve(Handler)
        return self

    def stop(self) -> None:
        loopback_http.stop(self.server)

    def answer_json(self, raw: bytes, n: int) -> tuple[int, str, str]:
        try:
            request = json.loads(raw)
        except ValueError:
            return 400, json.dumps({"CodeResult": "-1"}), "application/json"
        if (request.get("ApiKey"), request.get("SecretKey")) != (USERNAME, PASSWORD):
            return 200, json.dumps({"CodeResult": "101"}), "application/json"
        phone = str(request.get("Phone", ""))
        if phone.startswith(WRONG):
            return 200, json.dumps({"CodeResult": "118"}), "application/json"
        if phone.startswith(BUSY):
            return 200, json.dumps({"CodeResult": "99"}), "application/json"
        sms_id = f"J{n:06d}"
        self.received.append(
            {
                "to": phone,
                "text": request.get("Content"),
                "id": sms_id,
                "from": request["Brandname"],
            }
        )
        return 200, json.dumps({"CodeResult": "100", "SMSID": sms_id}), "application/json"

    def answer_form(self, raw: bytes, headers: Any, n: int) -> tuple[int, str, str]:
        expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        if headers.get("Authorization") != f"Basic {expected}":
            return 401, "ERR: 001, Authentication failed", "text/plain"
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
        phone = form.get("to", "")
        if phone.startswith(WRONG):
            return 400, "ERR: 114, Cannot route message", "text/plain"
        if phone.startswith(BUSY):
            return 503, "ERR: 301, Try again later", "text/plain"
        sms_id = f"F{n:06d}"
        self.received.append(
            {"to": phone, "text": form.get("text"), "id": sms_id, "from": form.get("from")}
        )
        return 200, f"ID: {sms_id}", "text/plain"

    def answer_echo(self, path: str, raw: bytes, headers: Any) -> tuple[int, str, str]:
        route, _, query = path.removeprefix("/echo/").partition("?")
        how, _, busy = route.partition("/")
        status = 503 if busy else 400
        if "json" in headers.get("Content-Type", ""):
            fields = {k: str(v) for k, v in json.loads(raw).items()}
        else:
            fields = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode() or query).items()}
        text = fields.pop("text", "") or fields.pop("Content", "")
        echoed = [("text", text), *fields.items()]
        self.echoes.append(text)
        if how == "raw":
            return status, f"ERR {status} {raw.decode() or query}", "text/plain"
        if how == "json":
            inner = ", ".join(f'"{k}": "{_escaped(v, JSON_ESCAPE)}"' for k, v in echoed)
            return status, f'{{"echo": {{{inner}}}, "error": "bad request"}}', "application/json"
        if how == "percent":
            pairs = "&".join(f"{k}={_escaped(v, '%{:02X}', spaces=True)}" for k, v in echoed)
            return status, f"ERR {status} {pairs}", "text/plain"
        lines = "".join(f"<p>{k}: {_escaped(v, '&#{};')}</p>" for k, v in echoed)
        return status, f"<html><body>{lines}<p>Bad request</p></body></html>", "text/html"


JSON_ESCAPE = "\\u{:04x}"


def _escaped(value: str, form: str, *, spaces: bool = False) -> str:
    """Every character but letters (and spaces, unless ``spaces``) written as ``form``."""
    keep = "[A-Za-z]" if spaces else "[A-Za-z ]"
    return "".join(c if re.fullmatch(keep, c) else form.format(ord(c)) for c in value)
