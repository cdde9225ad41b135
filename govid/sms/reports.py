"""Delivery reports that gateways call back over HTTP: tokens and the states they mean."""

from __future__ import annotations

import hmac

from django.utils.crypto import salted_hmac

from govid.sms.models import Message

_SALT = "govid.sms.reports"

# Kannel's DLR types (%d): 1 delivered, 2 undelivered, 4 buffered, 8 taken by the SMSC,
# 16 rejected by the SMSC. Buffered and taken change nothing: the message is already "sent".
KANNEL_TYPES = {"1": Message.State.DELIVERED, "2": Message.State.FAILED, "16": Message.State.FAILED}


def report_token(ref: str) -> str:
    """The per-message token a gateway must show to report on ``ref``."""
    return salted_hmac(_SALT, ref, algorithm="sha256").hexdigest()[:32]


def token_matches(ref: str, token: str) -> bool:
    return hmac.compare_digest(report_token(ref).encode(), token.encode())
