"""The demo relying party's side of OpenID Connect, with Authlib as any Python system would.

It reaches govid over HTTP at the address the browser used, like a separate system would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

from govid.demo.client import CLIENT_ID

SCOPE = "openid profile email"
TIMEOUT = 10  # seconds, for each call to the provider


@dataclass(frozen=True)
class Pending:
    """What the demo keeps between sending the person to govid and their return."""

    state: str
    nonce: str
    verifier: str


def _metadata(base_url: str) -> dict[str, Any]:
    response = requests.get(f"{base_url}/.well-known/openid-configuration", timeout=TIMEOUT)
    response.raise_for_status()
    metadata: dict[str, Any] = response.json()
    return metadata


def _session(redirect_uri: str, state: str | None = None) -> OAuth2Session:
    return OAuth2Session(
        CLIENT_ID,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        state=state,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",  # noqa: S106  (a public client has no secret)
    )


def begin(base_url: str, redirect_uri: str) -> tuple[str, Pending]:
    """The authorization URL to send the person to, and what to keep until they return."""
    pending = Pending(
        state=generate_token(24), nonce=generate_token(24), verifier=generate_token(48)
    )
    url, _state = _session(redirect_uri).create_authorization_url(
        _metadata(base_url)["authorization_endpoint"],
        state=pending.state,
        code_verifier=pending.verifier,
        nonce=pending.nonce,
    )
    return url, pending


def finish(base_url: str, redirect_uri: str, returned_url: str, pending: Pending) -> dict[str, Any]:
    """Exchange the code (checking state and PKCE), verify the ID token; its claims."""
    metadata = _metadata(base_url)
    token = _session(redirect_uri, state=pending.state).fetch_token(
        metadata["token_endpoint"],
        authorization_response=returned_url,
        code_verifier=pending.verifier,
    )
    jwks = requests.get(metadata["jwks_uri"], timeout=TIMEOUT)
    jwks.raise_for_status()
    decoded = jwt.decode(
        token["id_token"], KeySet.import_key_set(jwks.json()), algorithms=["RS256"]
    )
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {"iss": {"values": [metadata["issuer"]]}},
        {"nonce": pending.nonce, "client_id": CLIENT_ID, "access_token": token["access_token"]},
    )
    claims.validate(leeway=60)
    return {**claims, "id_token": token["id_token"]}


def logout_url(base_url: str, *, id_token: str, return_to: str) -> str:
    """govid's end-session address that signs the person out and comes back to ``return_to``."""
    endpoint = _metadata(base_url)["end_session_endpoint"]
    request = requests.Request(
        "GET",
        endpoint,
        params={
            "id_token_hint": id_token,
            "client_id": CLIENT_ID,
            "post_logout_redirect_uri": return_to,
        },
    )
    url: str = request.prepare().url or endpoint
    return url
