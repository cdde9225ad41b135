"""django-oauth-toolkit's request validator, with govid's claims and revocation rules."""

from __future__ import annotations

from typing import Any

from jwcrypto import jwk, jws
from oauth2_provider.models import AccessToken, RefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from govid.sso.claims import CLAIM_SCOPES, account_of, is_trusted, user_claims
from govid.sso.models import User
from govid.sso.tokens import remember_redeemed, revoke_replayed


class GovidValidator(OAuth2Validator):  # type: ignore[misc]
    oidc_claim_scope = CLAIM_SCOPES

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        user: User = request.user
        # sub is the stable UUID, never the database key nor the mail address.
        return {"sub": str(user.sub), **user_claims(user, trusted=is_trusted(request.client))}

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIM_SCOPES)

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            return account_of(request.user) is not None
        revoke_replayed(code, client)
        return False

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Any, *args: Any, **kwargs: Any
    ) -> None:
        super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)
        remember_redeemed(
            code,
            request.client,
            access_token=getattr(request, "govid_access_token", None),
            token_family=getattr(request, "govid_token_family", None),
        )

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
        return bool(valid) and account_of(request.user) is not None

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
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
