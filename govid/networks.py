"""The networks govid trusts (the GOVID_OPS block), and who is asking behind them.

govid's own proxies (GOVID_OPS_TRUSTED_PROXIES) are believed about the client's address and
scheme; the scrapers of /metrics come from GOVID_OPS_METRICS_ALLOW. Read by the operations
concern and by every view that needs the client's address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest

from govid.conf import settings_block


@dataclass(frozen=True)
class OpsSettings:
    # Who may read /metrics: networks in CIDR form (Prometheus scrapes from there).
    metrics_allow: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    # Proxies whose X-Forwarded-For / X-Request-ID are believed (nginx in front of the server).
    trusted_proxies: tuple[str, ...] = ()


def ops_settings() -> OpsSettings:
    return settings_block(OpsSettings, "GOVID_OPS")


def in_networks(address: str, networks: Iterable[str]) -> bool:
    """Whether ``address`` is an IP address inside one of ``networks`` (CIDR)."""
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
    if remote is None or not trusted or not in_networks(remote, trusted):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not in_networks(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed hop: fall back to what we know for sure
    return remote


def from_trusted_proxy(request: HttpRequest, conf: OpsSettings) -> bool:
    """Whether the request's peer is one of our own proxies (GOVID_OPS_TRUSTED_PROXIES)."""
    remote = request.META.get("REMOTE_ADDR", "")
    return bool(remote and conf.trusted_proxies and in_networks(remote, conf.trusted_proxies))
