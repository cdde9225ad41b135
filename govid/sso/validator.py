"""django-oauth-toolkit's request validator, with govid's claims and revocation rules, and
the protocol checks the library leaves open: redirect_uri bound to each code, the shape of a
PKCE challenge, loopback redirects only as registered, access tokens never in a URL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jwcrypto import jwk, jws
from oauth2_provider.bcp import bcp_compliant
from oauth2_provider.models import AccessToken, RefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem
from oauthlib.oauth2.rfc6749 import errors

from govid.sso.claims import CLAIM_SCOPES, account_of, is_trusted, user_claims
from govid.sso.factors.oidc import factor_claims
from govid.sso.models import User
from govid.sso.oidc_logout import (
    remember_code_sid,
    remember_family_sid,
    sid_of_code,
    sid_of_family,
)
from govid.sso.tokens import remember_redeemed, revoke_replayed

# RFC 7636 4.2: code_challenge = 43*128unreserved (S256's is 43 characters of base64url).
PKCE_CHALLENGE = re.compile(r"[A-Za-z0-9._~-]{43,128}")
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def loopback_as_registered(uri: str, registered: str) -> bool:
    """Whether ``uri``, if on a loopback address, is one of ``registered`` (spaces between)
    exactly, port included.

    RFC 8252 lets a native app's loopback redirect take any port; govid's clients are web
    systems, and any port on the person's machine would be any local program's to listen on.
    The demo relying party is registered with the port it is served on (``manage.py demo``).
    """
    parts = urlsplit(uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        return True
    return uri in registered.split()


def _in_query(request: Any, name: str) -> bool:
    return name in parse_qs(urlsplit(request.uri or "").query, keep_blank_values=True)


class GovidValidator(OAuth2Validator):  # type: ignore[misc]
    oidc_claim_scope = CLAIM_SCOPES

    def get_default_redirect_uri(
        self, client_id: str, request: Any, *args: Any, **kwargs: Any
    ) -> None:
        """None: no request falls back to a registered address (oauthlib then refuses it).

        OpenID Connect requires redirect_uri in the authorization request, so every code is
        bound to the address it was sent to, and the token request must repeat that address
        (RFC 6749 4.1.3) instead of getting the client's first one filled in.
        """
        return None

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        allowed = super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs)
        return bool(allowed) and loopback_as_registered(redirect_uri, request.client.redirect_uris)

    def is_pkce_required(self, client_id: str, request: Any) -> bool:
        """Public clients must use PKCE; and a challenge sent must have RFC 7636's shape.

        oauthlib asks this right where it checks the challenge's presence and method (and
        stores whatever text it is); a refusal from here reaches the client as invalid_request.
        """
        challenge = getattr(request, "code_challenge", None)
        if challenge is not None and not PKCE_CHALLENGE.fullmatch(challenge):
            raise errors.InvalidRequestError(
                description="code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
                request=request,
            )
        return bool(super().is_pkce_required(client_id, request))

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        user: User = request.user
        # sub is the stable UUID, never the database key nor the mail address.
        return {"sub": str(user.sub), **user_claims(user, trusted=is_trusted(request.client))}

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIM_SCOPES)

    def save_authorization_code(
        self, client_id: str, code: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        # The authorization view passes the browser's sign-in (its credentials): the ID
        # tokens this code gives carry its sid.
        remember_code_sid(code["code"], getattr(request, "govid_sid", None))

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            request.govid_sid = sid_of_code(code)
            return account_of(request.user) is not None
        revoke_replayed(code, client)
        return False

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Any, *args: Any, **kwargs: Any
    ) -> None:
        super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)
        family = getattr(request, "govid_token_family", None)
        remember_redeemed(
            code,
            request.client,
            access_token=getattr(request, "govid_access_token", None),
            token_family=family,
        )
        remember_family_sid(family, getattr(request, "govid_sid", None))

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: Any
    ) -> tuple[dict[str, Any], Any]:
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        sid = getattr(request, "govid_sid", None)
        if sid:  # Back-Channel and Front-Channel Logout name the sign-in by it
            claims["sid"] = sid
        claims.update(factor_claims(sid))  # amr and acr: how this sign-in proved who it is
        return claims, expiration_time

    def _create_access_token(
        self, expires: Any, request: Any, token: Any, source_refresh_token: Any = None
    ) -> AccessToken:
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        request.govid_access_token = access_token
        return access_token

    def _create_refresh_token(
        self, request: Any, refresh_token_code: str, access_token: Any, previous_refresh_token: Any
    ) -> RefreshToken:
        refresh_token = super()._create_refresh_token(
            request, refresh_token_code, access_token, previous_refresh_token
        )
        request.govid_token_family = refresh_token.token_family
        return refresh_token

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        if valid:
            family = getattr(getattr(request, "refresh_token_instance", None), "token_family", None)
            request.govid_sid = sid_of_family(family)
            remember_family_sid(family, request.govid_sid)  # still in use: kept
        return bool(valid) and account_of(request.user) is not None

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
        # RFC 6750 5.3, RFC 9700 4.3.2: a token in a URL stays in logs and Referer headers.
        # The userinfo endpoint does not go through the library's own check of this.
        if _in_query(request, "access_token") and bcp_compliant(
            "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT",
            "Presenting an OAuth 2.0 access token in the URI query string",
        ):
            return False
        valid = super().validate_bearer_token(token, scopes, request)
        return bool(valid) and account_of(request.user) is not None

    def _get_key_for_token(self, token: str) -> jwk.JWK | None:
        """The key named by the token's ``kid``, active or retired (so old hints still work)."""
        unverified = jws.JWS()
        unverified.deserialize(token)
        header = unverified.jose_header
        kid = header.get("kid") if isinstance(header, dict) else None
        pems = [
            oauth2_settings.OIDC_RSA_PRIVATE_KEY,
            *oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE,
        ]
        for pem in pems:
            key = jwk_from_pem(pem)
            if key.thumbprint() == kid:
                return key
        return None
