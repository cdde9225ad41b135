"""Every page carries the security headers; no page has inline script or style; every form
that posts carries the CSRF token; cookies are HttpOnly, SameSite and (under TLS) Secure."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from govid.demo.data import PASSWORD, load_demo
from govid.web.headers import CONTENT_SECURITY_POLICY
from tests.web.pages import every_url

PAGES = [path for path, _name in every_url()] + ["/static/govid/govid.css", "/khong-co/"]
DATA_TYPES = ("application/json", "application/ld+json")  # data, never run
WHO = [None, "an.nguyen", "quantri", "daumoi.p1", "kiemtra"]


@pytest.fixture
def demo(db, settings):
    settings.GOVID_CAPTCHA = {"mode": "always"}  # the forgot page with its widget, too
    load_demo("soctrang.gov.vn")


def signed_in(who: str | None, **extra) -> Client:
    client = Client(**extra)
    if who:
        response = client.post("/", {"username": who, "password": PASSWORD}, **extra)
        assert response.status_code == 302, who
    return client


class InlineFinder(HTMLParser):
    """Inline scripts, event handlers, style elements and attributes; forms that post."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.forms: list[dict[str, str | None]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self._script = found
        if tag == "style":
            self.problems.append("<style>")
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (found[name] or "").startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "form" and (found.get("method") or "get").lower() == "post":
            self.forms.append({"action": found.get("action"), "token": None})
        if tag == "input" and found.get("name") == "csrfmiddlewaretoken" and self.forms:
            self.forms[-1]["token"] = found.get("value")

    def handle_data(self, data: str) -> None:
        script = self._script
        executable = script is not None and script.get("type") not in DATA_TYPES
        if executable and script is not None and "src" not in script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:40]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def check_headers(path: str, response, *, tls: bool) -> None:
    where = f"{path} ({response.status_code})"
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, where
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert "camera=()" in response["Permissions-Policy"], where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    if tls:
        assert response["Strict-Transport-Security"] == "max-age=31536000", where
    else:
        assert "Strict-Transport-Security" not in response, where


def check_page(path: str, response) -> None:
    if not response["Content-Type"].startswith("text/html"):
        return
    finder = InlineFinder()
    finder.feed(response.content.decode())
    assert finder.problems == [], path
    for form in finder.forms:
        assert form["token"], f"{path}: a form posting to {form['action']} has no CSRF token"


@pytest.mark.parametrize("who", WHO)
def test_every_page_has_the_headers_and_no_inline_code(demo, who):
    client = signed_in(who)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code < 500, path
        check_headers(path, response, tls=False)
        check_page(path, response)


def test_under_tls_hsts_is_sent_and_cookies_are_secure(demo):
    client = signed_in("quantri", secure=True)
    for path in ("/", "/tai-khoan/", "/quen-mat-khau/", "/van-phong/", "/quan-tri/"):
        check_headers(path, client.get(path, secure=True), tls=True)
    response = client.post("/ngon-ngu/", {"language": "en", "next": "/"}, secure=True)
    for morsel in response.cookies.values():
        assert morsel["secure"], morsel.key


def test_a_trusted_proxy_says_tls_and_nobody_else_can(demo, settings):
    settings.GOVID_OPS = {"trusted_proxies": "10.0.0.5/32"}
    client = Client()
    proxied = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.0.0.5")
    assert "Strict-Transport-Security" in proxied
    forged = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="198.51.100.7")
    assert "Strict-Transport-Security" not in forged


def test_cookies_are_http_only_and_same_site(demo):
    client = Client()
    client.get("/")
    response = client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    client.post("/ngon-ngu/", {"language": "en", "next": "/"})
    for name in ("govid_session", "govid_csrf", "govid_language"):
        morsel = client.cookies[name]
        assert morsel["httponly"], name
        assert morsel["samesite"] == "Lax", name
        assert not morsel["secure"], name  # plain HTTP (make run): a Secure cookie would be lost
    assert response.status_code == 302


def test_with_secure_cookies_they_take_the_host_prefix(settings):
    """ASVS 3.4.4: GOVID_SECURE_COOKIES=1 (behind TLS) names them __Host-... (settings.py)."""
    import importlib
    import os

    import govid.settings as module

    os.environ["GOVID_SECURE_COOKIES"] = "1"
    try:
        fresh = importlib.reload(module)
        assert fresh.SESSION_COOKIE_NAME == "__Host-govid_session"
        assert fresh.CSRF_COOKIE_NAME == "__Host-govid_csrf"
        assert fresh.SESSION_COOKIE_SECURE and fresh.CSRF_COOKIE_SECURE
    finally:
        del os.environ["GOVID_SECURE_COOKIES"]
        importlib.reload(module)


def test_the_pages_list_covers_the_seed_flow_and_the_office():
    names = {name for _path, name in every_url()}
    assert {"login", "forgot", "phone", "code", "reset", "resend", "done", "account"} <= names
    assert {"authorize", "rp-initiated-logout", "requests", "import", "audit"} <= names
    assert len([p for p in PAGES if re.match(r"^/quan-tri/", p)]) > 50
