"""Audit settings (GOVID_AUDIT_*): the key that seals the chain, and where its head is published."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from govid.conf import settings_block


@dataclass(frozen=True)
class AuditSettings:
    # The HMAC key that seals new rows; empty: generated once into $GOVID_VAR_DIR/audit_key.
    # Kept outside the database, so that someone who can only write the tables cannot reseal.
    key: str = field(default="", repr=False)
    # Earlier keys, comma-separated: they only verify the rows they sealed (rotation).
    key_fallbacks: tuple[str, ...] = field(default=(), repr=False)
    publish_every: timedelta = timedelta(seconds=300)  # at most one published head this often
    head_file: str = ""  # settings.py fills $GOVID_VAR_DIR/audit-heads.jsonl


def audit_settings() -> AuditSettings:
    return settings_block(AuditSettings, "GOVID_AUDIT")
