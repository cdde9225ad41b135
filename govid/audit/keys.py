"""The keys that seal the audit chain: the active one, and older ones kept to verify their rows.

A row records the id of the key that sealed it (``key_id``: the first 16 hex digits of the
key's SHA-256), never the key. The keys live outside the database: in GOVID_AUDIT_KEY (and
GOVID_AUDIT_KEY_FALLBACKS), or in ``$GOVID_VAR_DIR/audit_key``, generated once (0600).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from govid.audit.conf import audit_settings
from govid.env import key_file

KEY_FILE = "audit_key"
MIN_LENGTH = 32  # characters of a configured key (a generated one has 67)


def key_id(key: str) -> str:
    """The short name of ``key`` that rows and published heads carry."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class AuditKeys:
    active_id: str
    by_id: Mapping[str, bytes] = field(repr=False)

    @property
    def active(self) -> bytes:
        return self.by_id[self.active_id]

    def get(self, kid: str) -> bytes | None:
        """The key named ``kid``, or None when it is neither active nor a fallback."""
        return self.by_id.get(kid)


@cache
def audit_keys() -> AuditKeys:
    """The configured keys (read once per process; a test's override_settings resets them)."""
    conf = audit_settings()
    active = conf.key.strip() or key_from_file(Path(settings.VAR_DIR))
    keys = [active, *(key.strip() for key in conf.key_fallbacks)]
    by_id = {key_id(key): key.encode("utf-8") for key in reversed(keys) if key}
    return AuditKeys(active_id=key_id(active), by_id=by_id)


def key_from_file(var_dir: Path) -> str:
    """The key in ``var_dir/audit_key``, generated there (0600) by the first process to ask."""
    return key_file(var_dir, KEY_FILE)


@receiver(setting_changed)
def _forget_keys(**kwargs: Any) -> None:
    if kwargs.get("setting") in ("GOVID_AUDIT", "VAR_DIR"):
        audit_keys.cache_clear()
