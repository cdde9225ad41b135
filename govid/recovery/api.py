"""Self-service recovery: what other concerns may call (its signal, its numbers).

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.recovery.signals import step_done
from govid.recovery.stats import outcomes_since

__all__ = ["outcomes_since", "step_done"]
