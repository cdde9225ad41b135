"""Signals of the SMS concern, for concerns that must react to what became of a message."""

from django.dispatch import Signal

# Sent with ``message`` (a Message) once it ended failed or expired, by a worker or a report.
message_failed = Signal()
