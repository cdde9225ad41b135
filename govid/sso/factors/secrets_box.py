"""The TOTP secret at rest: encrypted (Fernet) under a key derived from the secret key.

A copy of the database alone does not give anyone the codes. Sealing uses the current secret
key; opening also tries each of SECRET_KEY_FALLBACKS, so a rotation keeps enrolments working
while the old key stays a fallback.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, MultiFernet

from govid.keyed import derived_keys

_PURPOSE = "govid.sso.factors.totp_secret"


def _box() -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in derived_keys(_PURPOSE)])


def seal(secret: str) -> str:
    return _box().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    return _box().decrypt(sealed.encode()).decode()
