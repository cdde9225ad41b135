"""Verification codes: six digits that are never stored.

A challenge row holds a random 128-bit seed from ``secrets``; its code is
HMAC-SHA256(key, seed) reduced to six digits, where the key is derived from the secret key,
which is not in the database. So a copy of the database reveals no code, yet "Gửi lại" can
send the same code again (users get confused by several codes), and checking compares in
constant time.
"""

from __future__ import annotations

import hmac
import secrets

from django.utils.crypto import salted_hmac

DIGITS = 6
_KEY_SALT = "govid.recovery.codes"


def new_seed() -> str:
    return secrets.token_hex(16)


def code_for(seed: str) -> str:
    digest = salted_hmac(_KEY_SALT, seed, algorithm="sha256").digest()
    # 64 bits reduced mod 10^6: the bias (< 10^6 / 2^64) is far below any guessing gain.
    return f"{int.from_bytes(digest[:8], 'big') % 10**DIGITS:0{DIGITS}d}"


def code_matches(seed: str, candidate: str) -> bool:
    return hmac.compare_digest(code_for(seed).encode(), candidate.encode())
