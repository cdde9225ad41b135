"""Verification codes: six digits that are never stored.

A challenge row holds a random seed from ``secrets``; its code is HMAC-SHA256 of the seed
under a key derived from the secret key (``govid.keyed``), which is not in the database,
reduced to six digits. So a copy of the database reveals no code, yet "Gửi lại" can send the
same code again (users get confused by several codes), and checking compares in constant time.

The secret key can rotate while a code is on its way: the seed names the key it was made under
(``keyed.key_id``), so a resend after a rotation sends the code the person already has for as
long as that key is a fallback, and the new key's code once it is not; a check accepts the code
under the current key or any fallback.
"""

from __future__ import annotations

import secrets

from govid.keyed import key_id, keyed_hash, matches, secret_named

DIGITS = 6
PURPOSE = "govid.recovery.codes"


def new_seed() -> str:
    """128 random bits, then "." and the current secret key's id (31 characters)."""
    return f"{secrets.token_urlsafe(16)}.{key_id()}"


def _digits(digest: bytes) -> str:
    # 64 bits reduced mod 10^6: the bias (< 10^6 / 2^64) is far below any guessing gain.
    return f"{int.from_bytes(digest[:8], 'big') % 10**DIGITS:0{DIGITS}d}"


def code_for(seed: str) -> str:
    """The code to send for ``seed``: under the secret key the seed was made with while that
    key is the current one or a fallback (the code sent before), else under the current key
    (the only one that will keep working). A seed without a key's id (made before keys had
    ids) gets the current key's."""
    _random, dot, kid = seed.rpartition(".")
    secret = secret_named(kid) if dot else None
    return _digits(keyed_hash(PURPOSE, seed, secret=secret))


def code_matches(seed: str, candidate: str) -> bool:
    """Whether ``candidate`` is ``seed``'s code under the current secret key or a fallback."""
    return matches(PURPOSE, seed, candidate, shown=_digits)
