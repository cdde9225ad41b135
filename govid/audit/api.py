"""The audit log: what other concerns may call (record an event, query the log).

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.audit.log import record
from govid.audit.queries import (
    EventFilter,
    action_of,
    counts_by_subject,
    find_events,
    last_time_of,
)
from govid.audit.signals import event_recorded

__all__ = [
    "EventFilter",
    "action_of",
    "counts_by_subject",
    "event_recorded",
    "find_events",
    "last_time_of",
    "record",
]
