"""The SMS plug point: hand a text to a gateway, get the provider's message id back."""

from __future__ import annotations

import abc


class SmsError(Exception):
    """The gateway did not take the message. ``permanent`` errors are not worth a retry."""

    permanent = False


class SmsRefused(SmsError):
    """The gateway refused the message for good (e.g. an invalid number)."""

    permanent = True


class SmsGateway(abc.ABC):
    @abc.abstractmethod
    def send(self, to: str, text: str) -> str:
        """Send ``text`` to ``to`` (E.164); return the provider's message id or raise SmsError."""

    def check(self) -> None:  # noqa: B027  (optional: gateways that can be probed override it)
        """Raise if the gateway cannot take messages now (used by /readyz)."""
