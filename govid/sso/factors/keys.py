"""WebAuthn security keys and passkeys (platform or roaming; user verification preferred).

The challenge of each ceremony is kept in the session and used once; a key's signature counter
must go up (the library refuses a lower one, a sign of a cloned key) and is stored with one
conditional UPDATE.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from govid import clock
from govid.audit.api import record
from govid.keyed import keyed_hash
from govid.sso.factors.conf import factor_settings
from govid.sso.factors.devices import forget_recovery_codes_if_unused
from govid.sso.factors.models import FactorDeadline, SecurityKey

CHALLENGE = "sso.webauthn.challenge"
CHALLENGE_TTL = 300  # seconds: the browser's own timeout is 60
_REFUSED = (
    InvalidRegistrationResponse,
    InvalidAuthenticationResponse,
    InvalidJSONStructure,
    ValueError,
    KeyError,
    TypeError,
)


def _rp(request: HttpRequest) -> tuple[str, list[str]]:
    """The relying party id and the origins a ceremony may come from."""
    conf = factor_settings()
    host = request.get_host()
    rp_id = conf.webauthn_rp_id or host.rsplit(":", 1)[0].strip("[]")
    origins = list(conf.webauthn_origins) or [f"{request.scheme}://{host}"]
    return rp_id, origins


def _user_handle(login: str) -> bytes:
    """A stable opaque id for the authenticator (never the mail address)."""
    return keyed_hash("govid.sso.factors.webauthn_user", login)


def _keep_challenge(request: HttpRequest, purpose: str, login: str, challenge: bytes) -> None:
    request.session[CHALLENGE] = {
        "purpose": purpose,
        "login": login,
        "challenge": bytes_to_base64url(challenge),
        "at": clock.now().timestamp(),
    }


def _take_challenge(request: HttpRequest, purpose: str, login: str) -> bytes | None:
    kept = request.session.pop(CHALLENGE, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose or kept.get("login") != login:
        return None
    if clock.now().timestamp() - float(kept.get("at", 0)) > CHALLENGE_TTL:
        return None
    return base64url_to_bytes(str(kept["challenge"]))


def _descriptors(login: str) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
        for key in SecurityKey.objects.filter(login=login)
    ]


def registration_options(request: HttpRequest, login: str, *, display_name: str) -> str:
    """The options for navigator.credentials.create(), as JSON."""
    rp_id, _origins = _rp(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=factor_settings().issuer_name,
        user_name=login,
        user_id=_user_handle(login),
        user_display_name=display_name or login,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(login),
    )
    _keep_challenge(request, "register", login, options.challenge)
    return options_to_json(options)


def register_key(
    request: HttpRequest, login: str, credential: dict[str, Any], *, name: str, ip: str | None
) -> SecurityKey | None:
    """Verify the new credential and keep it (audited); None if it is refused."""
    challenge = _take_challenge(request, "register", login)
    if challenge is None:
        return None
    rp_id, origins = _rp(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origins,
        )
    except _REFUSED:
        return None
    transports = credential.get("response", {}).get("transports") or []
    now = clock.now()
    with transaction.atomic():
        key = SecurityKey.objects.create(
            login=login,
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=[str(t) for t in transports][:8],
            name=name[:100],
            created_at=now,
        )
        FactorDeadline.objects.filter(login=login).delete()
        record("factor_added", actor=login, subject=login, ip=ip, kind="webauthn")
    return key


def authentication_options(request: HttpRequest, login: str) -> str:
    """The options for navigator.credentials.get(), as JSON (this login's keys only)."""
    rp_id, _origins = _rp(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=_descriptors(login),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _keep_challenge(request, "authenticate", login, options.challenge)
    return options_to_json(options)


def verify_key(request: HttpRequest, login: str, credential: dict[str, Any]) -> bool:
    """Whether ``credential`` is a signature of one of ``login``'s keys over the challenge."""
    challenge = _take_challenge(request, "authenticate", login)
    if challenge is None:
        return False
    key = SecurityKey.objects.filter(login=login, credential_id=str(credential.get("id"))).first()
    if key is None:
        return False
    rp_id, origins = _rp(request)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origins,
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except _REFUSED:
        return False
    taken = SecurityKey.objects.filter(pk=key.pk, sign_count=key.sign_count).update(
        sign_count=verified.new_sign_count, last_used_at=clock.now()
    )
    return taken == 1


def keys_of(login: str) -> list[SecurityKey]:
    return list(SecurityKey.objects.filter(login=login).order_by("created_at"))


def remove_key(login: str, pk: int, *, actor: str, ip: str | None) -> bool:
    with transaction.atomic():
        removed, _ = SecurityKey.objects.filter(login=login, pk=pk).delete()
        if removed:
            forget_recovery_codes_if_unused(login)
            record("factor_removed", actor=actor, subject=login, ip=ip, kind="webauthn")
    return bool(removed)


def parse_body(body: bytes) -> dict[str, Any] | None:
    """The JSON object a ceremony's page sends, or None if it is not one."""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
