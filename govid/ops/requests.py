"""Which request this is: an id, given by a trusted proxy or made here. (The client's real
address behind trusted proxies is govid.networks.client_ip.)"""

from __future__ import annotations

import contextvars
import re
import uuid

from django.http import HttpRequest

from govid.networks import in_networks
from govid.ops.conf import ops_settings

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id(request: HttpRequest) -> str:
    """The id a trusted proxy gave the request, or a new one."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    remote = request.META.get("REMOTE_ADDR", "")
    if given and _REQUEST_ID.match(given) and in_networks(remote, ops_settings().trusted_proxies):
        return str(given)
    return uuid.uuid4().hex
