"""The back office: what other concerns may call.

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.backoffice.access import load_staff
from govid.backoffice.staff import grant

__all__ = ["grant", "load_staff"]
