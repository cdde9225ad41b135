"""Rate limits, counters and known devices: what other concerns may call.

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.limits.counting import RateLimited, attempts, give_back, hit
from govid.limits.devices import budget, known_device, remember_device
from govid.limits.guard import answer_in_constant_time, counted, guard, nothing_done
from govid.limits.rules import counter_keys, network_of
from govid.limits.store import Key, get_store

__all__ = [
    "Key",
    "RateLimited",
    "answer_in_constant_time",
    "attempts",
    "budget",
    "counted",
    "counter_keys",
    "get_store",
    "give_back",
    "guard",
    "hit",
    "known_device",
    "network_of",
    "nothing_done",
    "remember_device",
]
