"""Handing texts to the configured gateway; the text itself never reaches a log line."""

from __future__ import annotations

import contextlib
import logging

from django.db import transaction

from govid.directory.phones import mask_phone
from govid.sms import get_gateway
from govid.sms.base import SmsError

log = logging.getLogger("govid.sms")


def send_now(to: str, text: str, *, purpose: str) -> str:
    """Send and return the provider's message id; raises SmsError if no gateway took it."""
    try:
        message_id = get_gateway().send(to, text)
    except SmsError as error:
        log.warning("sms %s to %s failed: %s", purpose, mask_phone(to), error)
        raise
    log.info("sms %s to %s sent as %s", purpose, mask_phone(to), message_id)
    return message_id


def send_after_commit(to: str, text: str, *, purpose: str) -> None:
    """Send once the current transaction commits; a failure is logged, never raised."""

    def deliver() -> None:
        with contextlib.suppress(SmsError):  # already logged; a notice is best effort
            send_now(to, text, purpose=purpose)

    transaction.on_commit(deliver)
