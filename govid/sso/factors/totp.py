"""TOTP (RFC 6238) enrolment and checks, and the one-time recovery codes.

A code is accepted for the current 30-second step or one step either side (a phone's clock a
little off), and only once: the step it matched must be later than the last one accepted, and
recording it is a single conditional UPDATE, so two instances never both accept it.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from django.db import transaction

from govid import clock
from govid.audit.api import record
from govid.keyed import candidates, keyed_hash
from govid.sso.factors.conf import factor_settings
from govid.sso.factors.devices import forget_recovery_codes_if_unused
from govid.sso.factors.models import FactorDeadline, RecoveryCode, TotpDevice
from govid.sso.factors.secrets_box import seal, unseal

DRIFT = 1  # steps either side of now
_RECOVERY = "govid.sso.factors.recovery_code"
# No 0/o, 1/l/i: a code read from paper is typed right.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def start_enrolment(login: str) -> str:
    """A new secret for ``login`` (replacing an unconfirmed one); the base32 text to show."""
    secret = pyotp.random_base32()
    now = clock.now()
    with transaction.atomic():
        TotpDevice.objects.filter(login=login, confirmed_at__isnull=True).delete()
        TotpDevice.objects.create(login=login, secret=seal(secret), created_at=now)
    return secret


def pending_secret(login: str) -> str | None:
    """The secret being enrolled (shown again if the page is reloaded), if any."""
    device = TotpDevice.objects.filter(login=login, confirmed_at__isnull=True).first()
    return unseal(device.secret) if device is not None else None


def provisioning_uri(login: str, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=login, issuer_name=factor_settings().issuer_name
    )


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG (no image file, no script)."""
    qr = segno.make(uri, error="m")
    svg: str = qr.svg_inline(scale=5, dark="#000", light="#fff")
    return svg


def _matching_step(secret: str, code: str, at: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    found = None
    for step in range(now_step - DRIFT, now_step + DRIFT + 1):
        # Every candidate is compared, each in constant time.
        if hmac.compare_digest(totp.generate_otp(step), code) and found is None:
            found = step
    return found


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _six_digits(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def confirm_enrolment(login: str, code: str, *, ip: str | None) -> list[str] | None:
    """Confirm the pending secret with a code from the app; the new recovery codes, or None."""
    device = TotpDevice.objects.filter(login=login, confirmed_at__isnull=True).first()
    code = _clean(code)
    if device is None or not _six_digits(code):
        return None
    step = _matching_step(unseal(device.secret), code, clock.now())
    if step is None:
        return None
    with transaction.atomic():
        TotpDevice.objects.filter(login=login, confirmed_at__isnull=False).delete()
        device.confirmed_at = clock.now()
        device.last_step = step
        device.save(update_fields=["confirmed_at", "last_step"])
        FactorDeadline.objects.filter(login=login).delete()
        codes = _new_recovery_codes(login)
        record("factor_added", actor=login, subject=login, ip=ip, kind="totp")
    return codes


def verify_code(login: str, code: str) -> bool:
    """Whether ``code`` is a current code of ``login``'s app not used before (then used)."""
    code = _clean(code)
    device = TotpDevice.objects.filter(login=login, confirmed_at__isnull=False).first()
    if device is None or not _six_digits(code):
        return False
    step = _matching_step(unseal(device.secret), code, clock.now())
    if step is None:
        return False
    taken = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
    return taken == 1


def _new_recovery_codes(login: str) -> list[str]:
    RecoveryCode.objects.filter(login=login).delete()
    now = clock.now()
    codes = []
    for _ in range(factor_settings().recovery_codes):
        text = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{text[:5]}-{text[5:]}")
        RecoveryCode.objects.create(
            login=login, code_hash=keyed_hash(_RECOVERY, text).hex(), created_at=now
        )
    return codes


def use_recovery_code(login: str, code: str) -> bool:
    """Whether ``code`` is an unused recovery code of ``login`` (then used up)."""
    code = _clean(code)
    if len(code) != 10 or not all(c in _ALPHABET for c in code):
        return False
    hashes = [digest.hex() for digest in candidates(_RECOVERY, code)]
    found = RecoveryCode.objects.filter(
        login=login, code_hash__in=hashes, used_at__isnull=True
    ).first()
    if found is None:
        return False
    taken = RecoveryCode.objects.filter(pk=found.pk, used_at__isnull=True).update(
        used_at=clock.now()
    )
    return taken == 1


def recovery_codes_left(login: str) -> int:
    return RecoveryCode.objects.filter(login=login, used_at__isnull=True).count()


def remove_totp(login: str, *, actor: str, ip: str | None) -> bool:
    """Remove ``login``'s app (audited), and the recovery codes if no factor is left; whether
    there was one."""
    with transaction.atomic():
        removed, _ = TotpDevice.objects.filter(login=login).delete()
        if removed:
            forget_recovery_codes_if_unused(login)
            record("factor_removed", actor=actor, subject=login, ip=ip, kind="totp")
    return bool(removed)


def new_recovery_codes(login: str, *, ip: str | None) -> list[str]:
    """A new set of recovery codes (the old ones stop working), audited."""
    with transaction.atomic():
        codes = _new_recovery_codes(login)
        record("factor_recovery_codes_made", actor=login, subject=login, ip=ip)
    return codes
