"""A crawler that sends malformed requests to every URL and keeps what came back.

It speaks HTTP/1.1 itself (http.client, one kept-alive connection per thread), so that it can
send what browsers never do: wrong methods and content types, invalid UTF-8 and NUL bytes in
paths, queries and bodies, bodies far over the limits, missing or stale CSRF tokens.
"""

from __future__ import annotations

import http.client
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

FIELDS = [
    *("email", "username", "password", "code", "password1", "password2", "old_password"),
    *("unit", "login", "phone", "reason", "comment", "language", "next", "allow", "altcha"),
]
LEAKS = ("Traceback", 'File "/', "Exception Value", "django.core.exceptions", "SyntaxError")


@dataclass(frozen=True)
class Identity:
    """Who sends: a session cookie (or none), a CSRF cookie and its token."""

    name: str
    cookies: dict[str, str]

    @property
    def token(self) -> str:
        return self.cookies.get("govid_csrf", "")


@dataclass
class Probe:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


Mutation = Callable[[str, Identity, random.Random], Probe]


def _form(fields: dict[str, str]) -> bytes:
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in fields.items()).encode()


def _fields(rng: random.Random, value: str) -> dict[str, str]:
    return {name: value for name in rng.sample(FIELDS, rng.randint(1, len(FIELDS)))}


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _post(path: str, who: Identity, body: bytes, headers: dict[str, str] | None = None) -> Probe:
    return Probe("POST", path, {**FORM, **(headers or {})}, body)


def _token(who: Identity) -> dict[str, str]:
    return {"csrfmiddlewaretoken": who.token}


MUTATIONS: dict[str, Mutation] = {
    "get": lambda p, w, r: Probe("GET", p),
    "head": lambda p, w, r: Probe("HEAD", p),
    "long query": lambda p, w, r: Probe("GET", f"{p}?q={'A' * r.choice([900, 8000])}"),
    "invalid utf-8 query": lambda p, w, r: Probe("GET", f"{p}?email=%FF%FE%C3%28&next=%E2%82"),
    "nul in query": lambda p, w, r: Probe("GET", f"{p}?email=an%00nguyen&page=%00"),
    "invalid utf-8 path": lambda p, w, r: Probe("GET", p.rstrip("/") + "/%FF%C3%28/"),
    "nul in path": lambda p, w, r: Probe("GET", p + "%00"),
    "many params": lambda p, w, r: Probe("GET", p + "?" + "&".join(f"a{i}=1" for i in range(600))),
    "no csrf": lambda p, w, r: _post(p, w, _form(_fields(r, "an.nguyen"))),
    "stale csrf": lambda p, w, r: _post(
        p, w, _form({"csrfmiddlewaretoken": secrets.token_urlsafe(48)[:64], **_fields(r, "x")})
    ),
    "empty body": lambda p, w, r: _post(p, w, _form(_token(w))),
    "long values": lambda p, w, r: _post(p, w, _form({**_token(w), **_fields(r, "x" * 10_000)})),
    "nul values": lambda p, w, r: _post(p, w, _form({**_token(w), **_fields(r, "an\x00nguyen")})),
    "empty values": lambda p, w, r: _post(p, w, _form({**_token(w), **_fields(r, "")})),
    "invalid utf-8 body": lambda p, w, r: _post(
        p, w, _form(_token(w)) + b"&email=%FF%FE%00&password=\xff\xfe\xc3\x28&code=\xed\xa0\x80"
    ),
    "json body": lambda p, w, r: Probe(
        "POST",
        p,
        {"Content-Type": "application/json", "X-CSRFToken": w.token},
        b'{"email": "an.nguyen", "code": [1, 2], "password": {"$ne": null}}',
    ),
    "text body": lambda p, w, r: Probe(
        "POST", p, {"Content-Type": "text/plain; charset=utf-8", "X-CSRFToken": w.token}, b"\xff"
    ),
    "broken multipart": lambda p, w, r: Probe(
        "POST",
        p,
        {"Content-Type": "multipart/form-data; boundary=xyz", "X-CSRFToken": w.token},
        b'--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\nan\x00\xff--x',
    ),
    "junk upload": lambda p, w, r: Probe(
        "POST",
        p,
        {"Content-Type": "multipart/form-data; boundary=b0", "X-CSRFToken": w.token},
        b'--b0\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        + w.token.encode()
        + b'\r\n--b0\r\nContent-Disposition: form-data; name="file"; '
        b'filename="../../x.xlsx"\r\nContent-Type: application/pdf\r\n\r\nPK\x03\x04'
        + secrets.token_bytes(r.randint(10, 3000))
        + b"\r\n--b0--\r\n",
    ),
    "huge body": lambda p, w, r: _post(
        p, w, _form({**_token(w), "email": "a" * r.choice([300_000, 3_000_000])})
    ),
    "put": lambda p, w, r: Probe("PUT", p, {**FORM, "X-CSRFToken": w.token}, _form(_token(w))),
    "delete": lambda p, w, r: Probe("DELETE", p, {"X-CSRFToken": w.token}),
    "patch": lambda p, w, r: Probe("PATCH", p, {**FORM, "X-CSRFToken": w.token}, b"a=1"),
    "options": lambda p, w, r: Probe("OPTIONS", p),
    "odd method": lambda p, w, r: Probe("BREW", p),
    "bad host": lambda p, w, r: Probe("GET", p, {"Host": "evil.example"}),
    "garbage cookies": lambda p, w, r: Probe(
        "GET", p, {"Cookie": "govid_session=../../x; govid_language=xx\x7f; govid_csrf=%FF"}
    ),
    "garbage forwarded": lambda p, w, r: Probe(
        "GET",
        p,
        {
            "X-Forwarded-For": r.choice(["not-an-ip", "999.1.1.1", "1.2.3.4, ::zz", "x" * 3000]),
            "X-Forwarded-Proto": "https\x7f",
        },
    ),
}


@dataclass
class Answer:
    status: int
    leak: str | None


class Sender:
    """One kept-alive connection to the live server (reopened when the server closes it)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.connection: http.client.HTTPConnection | None = None

    def send(self, probe: Probe, who: Identity, ip: str) -> Answer:
        headers = {"Host": f"{self.host}:{self.port}", "X-Forwarded-For": ip}
        if who.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in who.cookies.items())
        headers.update(probe.headers)
        for attempt in range(2):
            try:
                return self._send(probe, headers)
            except (http.client.HTTPException, ConnectionError, OSError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _send(self, probe: Probe, headers: dict[str, str]) -> Answer:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.connection.putrequest(
            probe.method, probe.path, skip_host=True, skip_accept_encoding=True
        )
        for name, value in headers.items():
            self.connection.putheader(name, value.encode("latin-1", "replace"))
        self.connection.putheader("Content-Length", str(len(probe.body)))
        self.connection.endheaders(probe.body or None)
        response = self.connection.getresponse()
        body = response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        text = body.decode("utf-8", "replace")
        return Answer(response.status, next((leak for leak in LEAKS if leak in text), None))

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None
