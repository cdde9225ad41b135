"""An attacker's HTTP client: many identities, each a cookie jar and a client address.

The live server trusts 127.0.0.1 as its proxy (GOVID_OPS_TRUSTED_PROXIES), so an address put in
X-Forwarded-For is, to govid, the client's: one process on loopback plays clients all over the
internet, as they would reach govid through the province's nginx.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tests.captcha.solve import challenge_in, solve

_counter = itertools.count(1)


def new_ip(v6: bool = False) -> str:
    """A fresh client address, each in its own /24 (from 100.64.0.0/10) or /64 (2001:db8::/32)."""
    n = next(_counter)
    if v6:
        return f"2001:db8:{n >> 16 & 0xFFFF:x}:{n & 0xFFFF:x}::{random.randrange(1, 0xFFFF):x}"
    return f"100.{64 + (n >> 8 & 63)}.{n & 255}.{random.randrange(1, 255)}"


def browser_session() -> requests.Session:
    """A session that, like a browser, sends a request again once when the server had just
    closed the kept-alive connection it went out on (idle ones are closed after seconds)."""
    session = requests.Session()
    again = Retry(
        total=1,
        connect=1,
        read=1,
        status=0,
        redirect=0,
        allowed_methods=None,  # a POST too, as browsers resend one on such a connection
        respect_retry_after_header=False,  # a 429 is an answer, not something to wait out
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=again)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass
class Visitor:
    """One browser: its cookies, its address (changeable per request)."""

    base: str
    ip: str = field(default_factory=new_ip)
    http: requests.Session = field(default_factory=lambda: browser_session())

    def get(self, path: str, *, ip: str | None = None) -> requests.Response:
        headers = {"X-Forwarded-For": ip or self.ip}
        return self.http.get(self.base + path, headers=headers, allow_redirects=False, timeout=30)

    def token(self) -> str:
        if "govid_csrf" not in self.http.cookies:
            self.get("/quen-mat-khau/")
        return str(self.http.cookies["govid_csrf"])

    def post(
        self, path: str, data: dict[str, str] | None = None, *, ip: str | None = None
    ) -> requests.Response:
        form = {"csrfmiddlewaretoken": self.token(), **(data or {})}
        headers = {"X-Forwarded-For": ip or self.ip}
        return self.http.post(
            self.base + path, data=form, headers=headers, allow_redirects=False, timeout=30
        )

    def lookup(self, typed: str) -> requests.Response:
        """The forgot page's "Tiếp tục", solving the proof of work when the page asks for it."""
        page = self.get("/quen-mat-khau/")
        challenge = challenge_in(page.text)
        data = {"email": typed}
        if challenge is not None:
            data["altcha"] = solve(challenge)
        return self.post("/quen-mat-khau/", data)

    def get_code(self, typed: str) -> requests.Response:
        """Lookup, then "Lấy mã xác nhận": the response to the latter (or the refused lookup)."""
        found = self.lookup(typed)
        if found.status_code != 302:
            return found
        return self.post("/quen-mat-khau/lay-ma/")


def sent_to_reset(response: requests.Response) -> bool:
    return response.status_code == 302 and response.headers["Location"].endswith("/dat-lai/")


def attempts_left(response: requests.Response) -> int | None:
    found = re.search(r"Bạn còn (\d+) lần thử", response.text)
    return int(found.group(1)) if found else None


def summary(responses: list[Any]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for response in responses:
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
    return dict(sorted(counts.items()))
