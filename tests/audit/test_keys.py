"""The audit key lives outside the database: configured, or generated once into var/ (0600)."""

from __future__ import annotations

import hashlib

from govid.audit.keys import audit_keys, key_id
from tests.audit.conftest import KEY, OLD_KEY


def test_without_a_configured_key_one_is_generated_once_into_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.GOVID_AUDIT = {}
    keys = audit_keys()
    stored = (tmp_path / "audit_key").read_text().strip()
    assert len(stored) >= 50
    assert oct((tmp_path / "audit_key").stat().st_mode)[-3:] == "600"
    assert keys.active == stored.encode() and keys.active_id == key_id(stored)
    audit_keys.cache_clear()  # as another process would start
    assert audit_keys().active == stored.encode()
    assert [path.name for path in tmp_path.iterdir()] == ["audit_key"]


def test_a_configured_key_is_used_and_nothing_is_written(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    keys = audit_keys()
    assert keys.active == KEY.encode()
    assert list(tmp_path.iterdir()) == []


def test_the_key_id_names_the_key_without_revealing_it():
    assert key_id(KEY) == hashlib.sha256(KEY.encode()).hexdigest()[:16]
    assert key_id(KEY) != key_id(OLD_KEY)
    assert KEY not in repr(audit_keys())


def test_fallback_keys_are_found_by_their_id_but_never_seal(settings):
    settings.GOVID_AUDIT = {**settings.GOVID_AUDIT, "key_fallbacks": f"{OLD_KEY}, other-key"}
    keys = audit_keys()
    assert keys.active_id == key_id(KEY)
    assert keys.get(key_id(OLD_KEY)) == OLD_KEY.encode()
    assert keys.get(key_id("other-key")) == b"other-key"
    assert keys.get("0" * 16) is None
