"""Text sources: texts that hold a secret are rendered at sending time, never stored.

A concern registers a source under a name; a message queued with ``source=name`` keeps only a
redacted text, and the worker asks the source for the real one with the message's
``source_ref``. A source returns None when the text is no longer worth sending (e.g. the code
expired), and the message then ends as "expired".
"""

from __future__ import annotations

from collections.abc import Callable

from govid.sms.models import Message

TextSource = Callable[[str], str | None]

_sources: dict[str, TextSource] = {}


def register_source(name: str, source: TextSource) -> None:
    _sources[name] = source


def text_to_send(message: Message) -> str | None:
    """The text to hand to the gateway now, or None if it should not be sent any more."""
    if not message.source:
        return message.text
    try:
        source = _sources[message.source]
    except KeyError:
        raise LookupError(f"no SMS text source {message.source!r}") from None
    return source(message.source_ref)
