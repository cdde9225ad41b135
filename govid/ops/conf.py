"""Operations settings (GOVID_OPS_*): declared in the foundation module govid.networks, which
the page parts read too (the client's address behind trusted proxies)."""

from govid.networks import OpsSettings, ops_settings

__all__ = ["OpsSettings", "ops_settings"]
