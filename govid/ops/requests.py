"""Who is asking: the real client address behind trusted proxies, and a request id."""

from __future__ import annotations

import contextvars
import ipaddress
import re
import uuid
from collections.abc import Iterable

from django.http import HttpRequest

from govid.ops.conf import OpsSettings, ops_settings

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _in(address: str, networks: Iterable[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or, when that is a trusted proxy, the last untrusted X-Forwarded-For hop.

    Only hops appended by our own proxies are believed: a client can write anything into the
    header, but it cannot make nginx append an address other than its own.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    trusted = ops_settings().trusted_proxies
    if remote is None or not trusted or not _in(remote, trusted):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _in(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed hop: fall back to what we know for sure
    return remote


def from_trusted_proxy(request: HttpRequest, conf: OpsSettings) -> bool:
    """Whether the request's peer is one of our own proxies (GOVID_OPS_TRUSTED_PROXIES)."""
    remote = request.META.get("REMOTE_ADDR", "")
    return bool(remote and conf.trusted_proxies and _in(remote, conf.trusted_proxies))


def request_id(request: HttpRequest) -> str:
    """The id a trusted proxy gave the request, or a new one."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    remote = request.META.get("REMOTE_ADDR", "")
    if given and _REQUEST_ID.match(given) and _in(remote, ops_settings().trusted_proxies):
        return str(given)
    return uuid.uuid4().hex
