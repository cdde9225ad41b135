"""What the request workflow refuses, as stable codes the views turn into messages."""

from __future__ import annotations


class RequestRefused(Exception):
    """``code`` is stable (``wrong_state``, ``phone_not_mobile``, ...); ``field`` names the
    form field the message belongs next to, if any."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


class NotAllowed(RequestRefused):
    """The role does not reach this step (a 403), or not even the request (``visible`` false:
    a 404, so that other units' requests do not show they exist)."""

    def __init__(self, *, visible: bool = True) -> None:
        super().__init__("not_allowed")
        self.visible = visible
