"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, keeping what it receives."""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.servers import free_port


@dataclass
class Delivered:
    """One message as the server took it: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None
        return str(body.get_content())


@dataclass
class _Keeper:
    delivered: list[Delivered] = field(default_factory=list)
    on_message: Callable[[], None] | None = None  # called as each message arrives

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.delivered.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.on_message is not None:
            self.on_message()
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd in a thread of the test process, on a free port; ``stop()`` ends it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.keeper = _Keeper()
        self.controller = Controller(self.keeper, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def delivered(self) -> list[Delivered]:
        return list(self.keeper.delivered)

    def wait_for(self, count: int, *, timeout: float = 10.0) -> list[Delivered]:
        """The messages once there are ``count`` of them (or what came by ``timeout``)."""
        end = time.monotonic() + timeout
        while len(self.keeper.delivered) < count and time.monotonic() < end:
            time.sleep(0.05)
        return self.delivered

    def env(self) -> dict[str, str]:
        """govid's environment variables that send to this server."""
        return {
            "GOVID_SMTP_HOST": "127.0.0.1",
            "GOVID_SMTP_PORT": str(self.port),
            "GOVID_SMTP_SECURITY": "none",
        }
