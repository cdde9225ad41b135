"""SSO settings (GOVID_SSO_*): sessions, login holds and the OpenID Connect provider.

Durations are seconds in the environment. ``oauth2_provider_settings`` turns the block into
django-oauth-toolkit's ``OAUTH2_PROVIDER`` dict; settings.py calls it, so that one variable
configures both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from govid.conf import settings_block
from govid.sso.keys import SigningKeys

# What each scope releases, as the consent page lists it (only untrusted clients ask consent,
# and they get the phone number masked).
SCOPES = {
    "openid": _("Mã định danh của bạn trên hệ thống (không phải địa chỉ thư)"),
    "profile": _("Họ và tên, tên tài khoản và đơn vị công tác"),
    "email": _("Địa chỉ thư điện tử công vụ"),
    "phone": _("Số điện thoại di động, đã che một phần (ví dụ 0393XXX121)"),
}


@dataclass(frozen=True)
class SsoSettings:
    remember_for: timedelta = timedelta(days=30)  # "Nhớ mật khẩu": the session's whole life
    idle_timeout: timedelta = timedelta(hours=2)  # a browser session ends after this idle time
    absolute_timeout: timedelta = timedelta(hours=12)  # ... and this long after login anyway
    hold_after: int = 5  # failed logins of one account within the window that start a hold
    hold_after_ip: int = 50  # failed logins from one address (offices share one address)
    failure_window: timedelta = timedelta(minutes=15)
    hold_first: timedelta = timedelta(minutes=5)  # the first hold; each next one doubles
    hold_max: timedelta = timedelta(hours=1)  # never longer: a hold must not lock anyone out
    strike_memory: timedelta = timedelta(hours=24)  # how long past holds make the next longer
    issuer: str = ""  # e.g. https://login.soctrang.gov.vn; empty: taken from each request
    code_ttl: timedelta = timedelta(seconds=60)
    access_token_ttl: timedelta = timedelta(minutes=10)
    id_token_ttl: timedelta = timedelta(minutes=10)
    refresh_token_ttl: timedelta = timedelta(days=30)
    # OpenID Connect back-channel logout: tries per relying party, the first wait (doubling
    # after each failure), each POST's time limit, the logout token's life.
    backchannel_attempts: int = 5
    backchannel_retry: timedelta = timedelta(seconds=30)
    backchannel_timeout: timedelta = timedelta(seconds=5)
    logout_token_ttl: timedelta = timedelta(minutes=2)
    cas_ticket_ttl: timedelta = timedelta(seconds=10)  # a CAS service ticket's life
    # CAS proxy callbacks (pgtUrl): each GET's time limit (the validation waits for it), and
    # whether plain http may reach a callback on 127.0.0.1/localhost (tests, never production).
    cas_proxy_callback_timeout: timedelta = timedelta(seconds=3)
    cas_proxy_http_loopback: bool = False
    # The SAML identity provider's key and certificate (PEM files); empty: made in var/ once.
    saml_key_file: str = ""
    saml_cert_file: str = ""


def sso_settings() -> SsoSettings:
    return settings_block(SsoSettings, "GOVID_SSO")


def oauth2_provider_settings(conf: SsoSettings, keys: SigningKeys) -> dict[str, Any]:
    """django-oauth-toolkit's settings: OIDC on, code flow only, RFC 9700 behaviour enforced."""
    return {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": keys.active,
        # Retired keys stay in the JWKS so that tokens signed before a rotation still verify.
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": list(keys.retired),
        "OIDC_ISS_ENDPOINT": conf.issuer.rstrip("/"),
        "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
            "client_secret_basic",
            "client_secret_post",
            "none",  # public clients, with PKCE
        ],
        "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
        "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
        "OAUTH2_VALIDATOR_CLASS": "govid.sso.validator.GovidValidator",
        "SCOPES": SCOPES,
        "DEFAULT_SCOPES": ["openid"],
        "PKCE_REQUIRED": pkce_required,
        # No any-port loopback redirects (validator.loopback_as_registered): the demo is
        # registered with the port it is served on.
        "ALLOW_LOCALHOST_LOOPBACK": False,
        "REQUEST_APPROVAL_PROMPT": "auto",
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": _seconds(conf.code_ttl),
        "ACCESS_TOKEN_EXPIRE_SECONDS": _seconds(conf.access_token_ttl),
        "ID_TOKEN_EXPIRE_SECONDS": _seconds(conf.id_token_ttl),
        "REFRESH_TOKEN_EXPIRE_SECONDS": _seconds(conf.refresh_token_ttl),
        "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
        "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
        "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    }


def pkce_required(client_id: str) -> bool:
    """Public clients (no secret) must use PKCE; confidential ones may."""
    from oauth2_provider.models import Application  # settings.py imports this module early

    client_type = Application.objects.filter(client_id=client_id).values_list(
        "client_type", flat=True
    )
    return bool(client_type.first() != Application.CLIENT_CONFIDENTIAL)


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())
