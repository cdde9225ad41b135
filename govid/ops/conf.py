"""Operations settings (GOVID_OPS_*)."""

from __future__ import annotations

from dataclasses import dataclass

from govid.conf import settings_block


@dataclass(frozen=True)
class OpsSettings:
    # Who may read /metrics: networks in CIDR form (Prometheus scrapes from there).
    metrics_allow: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    # Proxies whose X-Forwarded-For / X-Request-ID are believed (nginx in front of gunicorn).
    trusted_proxies: tuple[str, ...] = ()


def ops_settings() -> OpsSettings:
    return settings_block(OpsSettings, "GOVID_OPS")
