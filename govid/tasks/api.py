"""Background work: register a periodic task.

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.tasks.leases import take, unleased
from govid.tasks.worker import register_periodic

__all__ = ["register_periodic", "take", "unleased"]
