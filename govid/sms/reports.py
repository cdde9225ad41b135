"""Delivery reports that gateways call back over HTTP: tokens and the states they mean."""

from __future__ import annotations

from govid.keyed import keyed_hash, matches
from govid.sms.models import Message

_SALT = "govid.sms.reports"

# Kannel's DLR types (%d): 1 delivered, 2 undelivered, 4 buffered, 8 taken by the SMSC,
# 16 rejected by the SMSC. Buffered and taken change nothing: the message is already "sent".
KANNEL_TYPES = {"1": Message.State.DELIVERED, "2": Message.State.FAILED, "16": Message.State.FAILED}


def _shown(digest: bytes) -> str:
    return digest.hex()[:32]


def report_token(ref: str) -> str:
    """The per-message token a gateway must show to report on ``ref`` (current secret key)."""
    return _shown(keyed_hash(_SALT, ref))


def token_matches(ref: str, token: str) -> bool:
    """Whether ``token`` is ``ref``'s, made under the current secret key or a fallback: a
    message sent before a rotation still takes its reports."""
    return matches(_SALT, ref, token, shown=_shown)
