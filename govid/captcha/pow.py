"""ALTCHA challenges: made signed and expiring, checked once.

The challenge carries its expiry and purpose in its signed data (checked against
``clock.now()``), and the derived key's HMAC (ALTCHA's deterministic mode), so that checking a
solution costs one HMAC instead of the client's work. A solution is accepted once: its
signature is spent in the shared counter store until the challenge would have expired.

Both keys derive from the secret key (``govid.keyed``): a challenge is made under the current
one and checked under it and then each of SECRET_KEY_FALLBACKS, so a challenge handed out
before a rotation can still be solved and used after it, once, until the old key is dropped.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import altcha
from django.http import HttpRequest

from govid import clock
from govid.captcha.conf import captcha_settings
from govid.keyed import Secret, derived_key, secret_keys
from govid.limits.api import attempts, counted, counter_keys, get_store, network_of
from govid.web.api import client_ip

ALGORITHM = "PBKDF2/SHA-256"
MAX_PAYLOAD = 4096  # a real payload is under 1 KB


def _secret(purpose: str, *, secret: Secret | None = None) -> bytes:
    """The key that signs challenges (``"challenge"``) or derived keys (``"key"``), under
    ``secret`` (by default the current secret key)."""
    return derived_key(f"govid.captcha.{purpose}\0", secret=secret)


def _verified(payload: str) -> bool:
    """Whether ``payload`` solves a challenge signed under the current secret key or a
    fallback (each tried in turn: one HMAC each)."""
    for secret in secret_keys():
        result = altcha.verify_solution(
            payload,
            _secret("challenge", secret=secret),
            hmac_key_secret=_secret("key", secret=secret),
        )
        if result.verified:
            return True
    return False


def new_challenge(purpose: str) -> dict[str, Any]:
    """A challenge for the widget (JSON-ready), valid ``ttl`` from now for ``purpose``."""
    conf = captcha_settings()
    span = conf.counter_max - conf.counter_min + 1
    challenge = altcha.create_challenge(
        algorithm=ALGORITHM,
        cost=conf.cost,
        counter=conf.counter_min + secrets.randbelow(span),
        data={"for": purpose, "until": int((clock.now() + conf.ttl).timestamp())},
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("key"),
    )
    return dict(challenge.to_dict())


def challenge_json(purpose: str) -> str:
    return json.dumps(new_challenge(purpose), separators=(",", ":"))


def accept(payload: str, purpose: str) -> bool:
    """Whether ``payload`` solves an unexpired challenge for ``purpose``, for the first time."""
    if not payload or len(payload) > MAX_PAYLOAD:
        return False
    if not _verified(payload):
        return False
    parsed = altcha.Payload.from_base64(payload)
    data = parsed.challenge.parameters.data or {}
    until = data.get("until")
    now = clock.now().timestamp()
    if data.get("for") != purpose or not isinstance(until, int) or until <= now:
        return False
    # Spent under the key's names before a rotation too: a solution used then stays used.
    keys = counter_keys("captcha", "used", str(parsed.challenge.signature))
    return get_store().hit(keys, max(1, int(until - now)) + 1, now).n == 1


def wanted(request: HttpRequest) -> bool:
    """Whether the forgot page asks this client for the proof of work now."""
    conf = captcha_settings()
    if conf.mode != "auto":
        return conf.mode == "always"
    counts = counted(request, "lookup")
    if counts is not None:
        # This POST was counted already (limits.guard runs first): compare what came before it.
        ip_before, net_before = counts.get("ip", 1) - 1, counts.get("net", 1) - 1
    else:
        ip = client_ip(request)
        net = network_of(ip) if ip else None
        ip_before, net_before = attempts("lookup", "ip", ip), attempts("lookup", "net", net)
    return ip_before >= conf.after_ip or net_before >= conf.after_net
