"""Page parts every concern uses: fields, the client's address, error pages, layout.

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.web.client import client_ip
from govid.web.conf import support_settings
from govid.web.errors import bad_request, error_page, service_unavailable
from govid.web.fields import SecretField, TextField
from govid.web.headers import policy_framing
from govid.web.middleware import has_nul_bytes
from govid.web.pages import render_shared

__all__ = [
    "SecretField",
    "TextField",
    "bad_request",
    "client_ip",
    "error_page",
    "has_nul_bytes",
    "policy_framing",
    "render_shared",
    "service_unavailable",
    "support_settings",
]
