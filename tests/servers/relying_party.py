"""A relying party's logout endpoints on 127.0.0.1, as a client of govid would write them.

``/backchannel``: OpenID Connect Back-Channel Logout 1.0, 2.6: the ``logout_token`` form field
is verified (signature against govid's JWKS, ``iss``, ``aud``, ``iat``, ``exp``, ``jti``, the
logout event, ``sid`` or ``sub``, and no ``nonce``); 200 when valid, 400 with the reason when
not. ``/frontchannel``: Front-Channel Logout 1.0: records ``iss`` and ``sid`` of each visit.
``/down`` answers 503 (a client that is briefly unavailable). A POST to any other path (a CAS
service's ``logoutRequest``) is recorded in ``posts``.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from jwcrypto import jwk, jwt

from tests.servers import loopback_http
from tests.servers.loopback_http import QuietHandler

EVENT = "http://schemas.openid.net/event/backchannel-logout"


class LogoutTokenRefused(ValueError):
    """Why a logout token is not valid."""


def verify_logout_token(token: str, *, jwks: str, issuer: str, client_id: str) -> dict[str, Any]:
    """The checks of Back-Channel Logout 1.0, 2.6; the token's claims, or LogoutTokenRefused."""
    keys = jwk.JWKSet.from_json(jwks)
    try:
        parsed = jwt.JWT(jwt=token, key=keys, algs=["RS256"], check_claims={"exp": None})
    except Exception as error:
        raise LogoutTokenRefused(f"signature: {type(error).__name__}") from None
    claims: dict[str, Any] = json.loads(parsed.claims)
    if claims.get("iss") != issuer:
        raise LogoutTokenRefused(f"iss {claims.get('iss')!r}")
    audience = claims.get("aud")
    if client_id not in (audience if isinstance(audience, list) else [audience]):
        raise LogoutTokenRefused(f"aud {audience!r}")
    for name in ("iat", "jti", "events"):
        if name not in claims:
            raise LogoutTokenRefused(f"no {name}")
    if abs(time.time() - claims["iat"]) > 300:
        raise LogoutTokenRefused("iat too far")
    if not isinstance(claims["events"], dict) or claims["events"].get(EVENT) != {}:
        raise LogoutTokenRefused("no back-channel logout event")
    if not claims.get("sid") and not claims.get("sub"):
        raise LogoutTokenRefused("neither sid nor sub")
    if "nonce" in claims:
        raise LogoutTokenRefused("a nonce")
    return claims


@dataclass
class RelyingPartyServer:
    """The endpoints; ``jwks`` gives govid's JWKS document (read when a token arrives)."""

    jwks: Callable[[], str]
    issuer: str
    client_id: str = ""
    logged_out: list[dict[str, Any]] = field(default_factory=list)  # verified claims
    refused: list[str] = field(default_factory=list)
    front: list[dict[str, str]] = field(default_factory=list)
    posts: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # other POSTs
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return loopback_http.url(self.server)

    def start(self) -> RelyingPartyServer:
        party = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                form = urllib.parse.parse_qs(raw.decode())
                if self.path == "/down":
                    self._answer(503, "")
                    return
                if self.path != "/backchannel":  # a CAS service's single-logout POST
                    party.posts.append((self.path, {k: v[0] for k, v in form.items()}))
                    self._answer(200, "")
                    return
                try:
                    claims = verify_logout_token(
                        form.get("logout_token", [""])[0],
                        jwks=party.jwks(),
                        issuer=party.issuer,
                        client_id=party.client_id,
                    )
                except LogoutTokenRefused as error:
                    party.refused.append(str(error))
                    self._answer(400, json.dumps({"error": "invalid_request"}))
                    return
                party.logged_out.append(claims)
                self._answer(200, "")

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/frontchannel":
                    query = urllib.parse.parse_qs(url.query)
                    party.front.append({k: v[0] for k, v in query.items()})
                self._answer(200, "<!doctype html><title>signed out</title>")

            def _answer(self, status: int, body: str) -> None:
                self.answer(status, body, Cache_Control="no-store")

        self.server = loopback_http.serve(Handler)
        return self

    def stop(self) -> None:
        loopback_http.stop(self.server)
