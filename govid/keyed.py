"""Keyed hashes under the secret key, and under the keys it replaced.

Whatever must be impossible to compute without the secret key (a recovery code, a counter's
name, a delivery-report token, a known device's tag, the proof of work's keys) is made here,
each concern under its own ``purpose``, the way Django's ``salted_hmac`` does it: HMAC-SHA256
keyed with ``derived_key(purpose)`` = SHA-256(purpose + secret key). The values are the ones
``salted_hmac(purpose, value, algorithm="sha256")`` gives.

The secret key rotates as Django's does: the new key goes in SECRET_KEY, the old one in
SECRET_KEY_FALLBACKS for as long as what it made must keep working. Making always uses the
current key; checking tries the current key and then each fallback (``candidates``,
``matches``), as ``Signer(fallback_keys=...)`` does. Once a key leaves the fallbacks,
whatever it made stops working.

Nothing is cached: the settings are read on every call (deriving a key costs one SHA-256), so
a rotation, or a test's ``settings`` fixture, takes effect at once with no signal to handle.
This module imports only Django and the standard library: every concern may use it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings
from django.utils.encoding import force_bytes

_KEY_ID = "govid.keyed.key_id"

# A secret key as Django takes it: text, or bytes.
Secret = str | bytes


def secret_keys() -> list[Secret]:
    """The current secret key, then each of SECRET_KEY_FALLBACKS (each once, none empty)."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return list(dict.fromkeys(key for key in keys if key))


def derived_key(purpose: str, *, secret: Secret | None = None) -> bytes:
    """The 32-byte key of ``purpose`` under ``secret`` (by default the current secret key):
    SHA-256(purpose + secret), the key ``salted_hmac`` makes its HMAC with. Where a library
    wants a key of its own (the proof of work), it gets this."""
    secret = settings.SECRET_KEY if secret is None else secret
    return hashlib.sha256(purpose.encode() + force_bytes(secret)).digest()


def derived_keys(purpose: str) -> list[bytes]:
    """``derived_key(purpose)`` under the current secret key, then under each fallback."""
    return [derived_key(purpose, secret=secret) for secret in secret_keys()]


def keyed_hash(purpose: str, value: str, *, secret: Secret | None = None) -> bytes:
    """HMAC-SHA256 of ``value`` for ``purpose`` under ``secret`` (by default the current secret
    key): the 32-byte digest, which each concern shows its own way (hex, six digits...)."""
    key = derived_key(purpose, secret=secret)
    return hmac.new(key, value.encode(), hashlib.sha256).digest()


def candidates(purpose: str, value: str) -> list[bytes]:
    """``keyed_hash(purpose, value)`` under the current secret key, then under each fallback:
    what a value made before a rotation may have been made with."""
    return [keyed_hash(purpose, value, secret=secret) for secret in secret_keys()]


def matches(
    purpose: str, value: str, given: str, *, shown: Callable[[bytes], str] = bytes.hex
) -> bool:
    """Whether ``given`` is ``shown(keyed_hash(purpose, value))`` under the current secret key
    or a fallback. ``shown`` turns a digest into what was handed out (by default its hex).
    Every key is compared, each in constant time, so the time taken tells nothing."""
    wanted = given.encode()
    found = False
    for digest in candidates(purpose, value):
        found |= hmac.compare_digest(shown(digest).encode(), wanted)
    return found


def key_id(*, secret: Secret | None = None) -> str:
    """A short public name of ``secret`` (by default the current secret key), for a record
    that must say which key it was made under (as a JWT's ``kid``): 8 hex digits of a keyed
    hash, which tell nothing of the key."""
    return keyed_hash(_KEY_ID, "", secret=secret).hex()[:8]


def secret_named(kid: str) -> Secret | None:
    """The current secret key or the fallback that ``key_id`` names ``kid``; None once it is
    neither (it was dropped, or ``kid`` names no key)."""
    for secret in secret_keys():
        if key_id(secret=secret) == kid:
            return secret
    return None
