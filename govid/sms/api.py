"""SMS: queue a text, see what became of it, the texts themselves, as values.

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.sms import get_gateway
from govid.sms.delivery import queue_bulk, queue_sms, send_after_commit
from govid.sms.messages import (
    MessageTooLong,
    code_text,
    password_changed_text,
    redacted_code_text,
    render,
)
from govid.sms.signals import message_failed
from govid.sms.texts import register_source
from govid.sms.tracking import (
    Delivery,
    Sent,
    counts_by_purpose_and_state,
    delivery_of,
    recent_for_account,
)

__all__ = [
    "Delivery",
    "MessageTooLong",
    "Sent",
    "code_text",
    "counts_by_purpose_and_state",
    "delivery_of",
    "get_gateway",
    "message_failed",
    "password_changed_text",
    "queue_bulk",
    "queue_sms",
    "recent_for_account",
    "redacted_code_text",
    "register_source",
    "render",
    "send_after_commit",
]
