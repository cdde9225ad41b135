"""OpenID Connect through Django's test client: a registered client, a signed-in person, the
authorization request, the token request. Parameters given as None are left out."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from govid.sso.clients import add_client
from tests.conftest import PASSWORD

REDIRECT_URI = "https://vanban.soctrang.gov.vn/oidc/callback"
LOGOUT_URI = "https://vanban.soctrang.gov.vn/"


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class RelyingParty:
    client_id: str
    secret: str | None
    redirect_uri: str = REDIRECT_URI
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def authorize(self, browser: Client, **params: str | None) -> Any:
        """The authorization request (a trusted client: straight back with a code)."""
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": "openid profile email",
            "state": self.state,
            "nonce": "n-0S6_WzA2Mj",
            "code_challenge": s256(self.verifier),
            "code_challenge_method": "S256",
            **params,
        }
        return browser.get("/oidc/authorize/", {k: v for k, v in query.items() if v is not None})

    def code(self, browser: Client, **params: str | None) -> str:
        answer = callback(self.authorize(browser, **params))
        assert "code" in answer, answer
        return answer["code"]

    def token(self, code: str, **params: str | None) -> Any:
        """The token request, authenticated with HTTP Basic (or client_id for a public one)."""
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
            **params,
        }
        extra: dict[str, Any] = {}
        if self.secret:
            pair = f"{self.client_id}:{self.secret}".encode()
            extra["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(pair).decode()
        else:
            data.setdefault("client_id", self.client_id)
        body = {k: v for k, v in data.items() if v is not None}
        return Client().post("/oidc/token/", body, **extra)


def register(
    *,
    redirect_uris: tuple[str, ...] = (REDIRECT_URI,),
    post_logout_uris: tuple[str, ...] = (LOGOUT_URI,),
    public: bool = False,
    trusted: bool = True,
) -> RelyingParty:
    """A client registered as `manage.py sso add-client` registers one (trusted: no consent)."""
    application, secret = add_client(
        "Hệ thống quản lý văn bản",
        redirect_uris=list(redirect_uris),
        post_logout_uris=list(post_logout_uris),
        public=public,
        trusted=trusted,
        actor="test",
    )
    return RelyingParty(application.client_id, secret, redirect_uri=redirect_uris[0])


def signed_in(login: str = "an.nguyen") -> Client:
    browser = Client()
    response = browser.post("/", {"username": login, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return browser


def callback(response: Any) -> dict[str, str]:
    """The query a relying party's redirect URI receives ({} if govid did not redirect)."""
    location = response.headers.get("Location", "")
    leaving = location.startswith(("http://", "https://")) and "//testserver/" not in location
    if response.status_code != 302 or not leaving:
        return {}
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
