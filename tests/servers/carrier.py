"""A stand-in for a carrier's paid brandname API, speaking the two shapes of HttpGateway's
presets on the wire (it cannot run here for real: it is a paid service).

``/json``: JSON body with ApiKey/SecretKey/Brandname/Phone/Content/RequestId; answers
``{"CodeResult": "100", "SMSID": ...}``, or code 118 for a wrong number and 99 when busy.
``/form``: form body with HTTP Basic credentials; answers ``ID: <id>``, or ``ERR: 114, ...``
(HTTP 400) for a wrong number and ``ERR: 301, ...`` (HTTP 503) when busy.
Numbers starting 84999 are wrong, 84998 busy.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USERNAME = "govid-api"
PASSWORD = "api-secret"
WRONG, BUSY = "84999", "84998"


@dataclass
class Carrier:
    received: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Carrier:
        ids = itertools.count(1)
        carrier = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/json":
                    status, body, kind = carrier.answer_json(raw, next(ids))
                elif self.path == "/form":
                    status, body, kind = carrier.answer_form(raw, self.headers, next(ids))
                else:
                    status, body, kind = 404, "not found", "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body.encode())))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

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
