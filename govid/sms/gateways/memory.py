"""MemoryGateway: the in-memory double of the SMS plug point, for tests."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from govid.sms.base import SmsError, SmsGateway


@dataclass(frozen=True)
class SentMessage:
    to: str
    text: str
    message_id: str
    ref: str = ""


class MemoryGateway(SmsGateway):
    def __init__(self) -> None:
        self.sent: list[SentMessage] = []
        self.fail_with: SmsError | None = None  # set by a test to make the next sends fail
        self._lock = threading.Lock()

    def send(self, to: str, text: str, *, ref: str = "") -> str:
        if self.fail_with is not None:
            raise self.fail_with
        message = SentMessage(to=to, text=text, message_id=uuid.uuid4().hex, ref=ref)
        with self._lock:
            self.sent.append(message)
        return message.message_id
