"""A relying party built on Authlib (a standard OIDC client library) and a person's browser
reduced to HTTP requests: what the OpenID Connect tests drive against the live server."""

from __future__ import annotations

import html as html_lib
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

REDIRECT_URI = "http://127.0.0.1/rp/callback"  # loopback: any port matches, nothing listens
POST_LOGOUT_URI = "http://127.0.0.1/rp/signed-out"
PASSWORD = "Cu@Matkhau2025"
_numbers = itertools.count(1)


def new_account(live, *, phone: bool = True) -> tuple[str, str]:
    """A fresh account on the live server: (login, E.164 phone)."""
    n = next(_numbers)
    number = f"+8498765{n:04d}"
    args = ["accounts", "add", f"oidc.user{n}", "--name", f"Trần Văn Một {n}"]
    args += ["--unit", "MYTU-VHTT", "--password", PASSWORD]
    if phone:
        args += ["--phone", number]
    return json.loads(live.manage(*args))["login"], number


def add_client(live, *options: str, name: str = "Hệ thống một cửa") -> dict[str, Any]:
    args = ["sso", "add-client", name, "--redirect-uri", REDIRECT_URI]
    args += ["--post-logout-uri", POST_LOGOUT_URI, *options]
    return json.loads(live.manage(*args))


@dataclass
class Browser:
    """Cookies and redirects, by hand: stops where the relying party would take over."""

    live: Any
    http: requests.Session = field(default_factory=requests.Session)
    pages: list[requests.Response] = field(default_factory=list)

    def go(self, url: str, *, data: dict[str, str] | None = None) -> requests.Response:
        """Follow redirects within govid; return the last govid response (or the RP redirect)."""
        method = "POST" if data is not None else "GET"
        while True:
            response = self.http.request(method, url, data=data, allow_redirects=False, timeout=10)
            self.pages.append(response)
            location = response.headers.get("Location")
            if response.status_code not in (301, 302, 303) or not location:
                return response
            url = urljoin(url, location)
            if not url.startswith(self.live.url):
                return response  # leaving govid: the relying party's turn
            method, data = "GET", None

    def submit(self, page: requests.Response, fields: dict[str, str]) -> requests.Response:
        """Post the page's form, hidden fields and CSRF token included, like a person would."""
        html = page.text
        form = re.search(r'<main.*?<form method="post"(?: action="([^"]*)")?.*?</form>', html, re.S)
        assert form, html
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[0]))
        action = urljoin(page.url, html_lib.unescape(form[1] or page.url))
        values = {key: html_lib.unescape(value) for key, value in hidden.items()}
        return self.go(action, data={**values, **fields})

    def log_in(
        self, page: requests.Response, login: str, password: str = PASSWORD
    ) -> requests.Response:
        return self.submit(page, {"username": login, "password": password})


def callback_params(response: requests.Response) -> dict[str, str]:
    """The query the relying party receives at its redirect URI."""
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


@dataclass
class RelyingParty:
    """A relying party as a province system would write it with Authlib."""

    live: Any
    client_id: str
    client_secret: str | None = None
    scope: str = "openid profile email"
    state: str = field(default_factory=generate_token)
    nonce: str = field(default_factory=generate_token)
    verifier: str = field(default_factory=lambda: generate_token(48))

    @property
    def metadata(self) -> dict[str, Any]:
        response = requests.get(f"{self.live.url}/.well-known/openid-configuration", timeout=10)
        response.raise_for_status()
        metadata: dict[str, Any] = response.json()
        return metadata

    def session(self, **token: Any) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self.client_secret,
            scope=self.scope,
            redirect_uri=REDIRECT_URI,
            state=self.state,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if self.client_secret else "none",
            token=token or None,
        )

    def authorization_url(self, **extra: str) -> str:
        url, _state = self.session().create_authorization_url(
            self.metadata["authorization_endpoint"],
            state=self.state,
            code_verifier=self.verifier,
            nonce=self.nonce,
            **extra,
        )
        return str(url)

    def exchange(self, code: str, verifier: str | None = None) -> dict[str, Any]:
        """POST the code to the token endpoint (Authlib adds the client's credentials)."""
        token = self.session().fetch_token(
            self.metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=verifier or self.verifier,
        )
        return dict(token)

    def verified_id_token(self, token: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, its RS256 signature checked against the JWKS."""
        metadata = self.metadata
        keys = requests.get(metadata["jwks_uri"], timeout=10).json()
        decoded = jwt.decode(token["id_token"], KeySet.import_key_set(keys), algorithms=["RS256"])
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {"iss": {"values": [metadata["issuer"]]}},
            {
                "nonce": self.nonce,
                "client_id": self.client_id,
                "access_token": token["access_token"],
            },
        )
        claims.validate()
        return dict(claims)

    def userinfo(self, token: dict[str, Any]) -> requests.Response:
        return self.session(**token).get(self.metadata["userinfo_endpoint"], timeout=10)


def sign_in(live, rp: RelyingParty, login: str, *, consent: bool = True, **extra: str):
    """The person's side: authorization URL, the login form, maybe consent; the callback query."""
    browser = Browser(live)
    page = browser.go(rp.authorization_url(**extra))
    assert page.status_code == 200 and 'name="username"' in page.text
    page = browser.log_in(page, login)
    if consent:
        assert page.status_code == 200, page.text
        assert "Cho phép ứng dụng dùng tài khoản" in page.text
        page = browser.submit(page, {"allow": "on"})
    return browser, callback_params(page)


def reset_password_by_sms(live, login: str, phone: str, new_password: str) -> None:
    """The seed's recovery, as a person with the phone would walk it."""
    browser = Browser(live)
    page = browser.submit(browser.go(f"{live.url}/quen-mat-khau/"), {"email": login})
    sent = len(live.messages(phone))
    page = browser.submit(page, {})
    code = live.wait_for_code(phone, after=sent)
    done = browser.submit(
        page, {"code": code, "password1": new_password, "password2": new_password}
    )
    assert "Thay đổi mật khẩu thành công!" in done.text
