"""The SMS plug point: hand a text to a gateway, get the provider's message id back."""

from __future__ import annotations

import abc

from govid.sms.pacing import UNPACED, RatePacer


class SmsError(Exception):
    """The gateway did not take the message. ``permanent`` errors are not worth a retry."""

    permanent = False


class SmsRefused(SmsError):
    """The gateway refused the message for good (e.g. an invalid number)."""

    permanent = True


class SmsGateway(abc.ABC):
    route_name = ""  # the name it is configured under (GOVID_SMS_GATEWAY), set by get_routes()
    rate = 0  # messages a second its carrier allows (0: no limit), from the gateway's settings
    pacer: RatePacer = UNPACED  # keeps the sends within ``rate``, set by get_routes()

    @abc.abstractmethod
    def send(self, to: str, text: str, *, ref: str = "") -> str:
        """Send ``text`` to ``to`` (E.164); return the provider's message id or raise SmsError.

        ``ref`` is govid's own reference of the message; gateways that receive delivery
        reports use it (or the id they return) to match a report to its message.
        """

    def check(self) -> None:  # noqa: B027  (optional: gateways that can be probed override it)
        """Raise if the gateway cannot take messages now (used by /readyz)."""

    def close(self) -> None:  # noqa: B027  (optional: most gateways hold nothing)
        """Release connections and threads (a no-op for gateways that hold none)."""
