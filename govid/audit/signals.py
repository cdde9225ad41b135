"""Signals of the audit concern, for concerns that count what happens (metrics)."""

from django.dispatch import Signal

# Sent with ``event`` (an Event) right after its row is written, inside the writer's
# transaction: a receiver that must not count a rolled-back event waits for the commit.
event_recorded = Signal()
