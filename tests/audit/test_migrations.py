"""The upgrade to the keyed chain checks the SHA-256 chain first and keeps what it found."""

from __future__ import annotations

import hashlib
import importlib

from django.apps import apps

from govid.audit.chain import content_text, verify_chain
from govid.audit.keys import key_id
from govid.audit.log import record
from govid.audit.models import GENESIS, ChainHead, Event
from tests.audit.conftest import KEY

keyed_chain = importlib.import_module("govid.audit.migrations.0003_keyed_chain")
FIELDS = ("seq", "at", "action", "actor", "subject", "ip", "data")


def legacy_log(n: int) -> str:
    """``n`` rows chained as before the upgrade (plain SHA-256, no key id); the head's hash."""
    for i in range(n):
        record("test_event", actor="test", subject=f"s{i}", n=i)
    prev = GENESIS
    for event in Event.objects.order_by("seq"):
        text = content_text(prev_hash=prev, **{name: getattr(event, name) for name in FIELDS})
        digest = hashlib.sha256(text.encode()).hexdigest()
        Event.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest, key_id="")
        prev = digest
    ChainHead.objects.filter(pk=1).update(hash=prev)
    return prev


def upgrade() -> Event:
    keyed_chain.seal_with_the_key(apps, None)
    return Event.objects.order_by("-seq")[0]


def test_an_intact_legacy_chain_is_resealed_and_recorded_as_the_first_keyed_event(db, capsys):
    legacy_head = legacy_log(3)
    assert "unknown key" in verify_chain().problem  # what verify says before the upgrade
    event = upgrade()
    assert (event.seq, event.action, event.actor) == (4, "audit_chain_keyed", "system")
    assert event.data == {
        "legacy_rows": 3,
        "legacy_head": legacy_head,
        "legacy_head_seq": 3,
        "legacy_intact": True,
        "legacy_renumbered": 0,
    }
    assert verify_chain().intact
    assert set(Event.objects.values_list("key_id", flat=True)) == {key_id(KEY)}
    assert "SHA-256 chain of 3 rows was intact" in capsys.readouterr().out


def test_a_broken_legacy_chain_is_recorded_not_laundered(db, capsys):
    legacy_log(4)
    Event.objects.filter(seq=2).update(actor="ke.gian")
    event = upgrade()
    assert event.data["legacy_intact"] is False
    assert event.data["legacy_problem"].startswith("row seq=2 ")
    assert "edited" in event.data["legacy_problem"]
    assert "was BROKEN: row seq=2" in capsys.readouterr().out
    assert verify_chain().intact  # the keyed chain starts whole, the finding stays in it


def test_a_legacy_gap_is_recorded_and_the_rows_after_it_renumbered(db):
    legacy_log(5)
    Event.objects.filter(seq=3).delete()  # the queryset's delete, as a database user would
    event = upgrade()
    assert "the rows from seq=3 before it were deleted" in event.data["legacy_problem"]
    assert event.data["legacy_renumbered"] == 2
    assert list(Event.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert verify_chain().intact


def test_an_empty_log_records_nothing(db):
    keyed_chain.seal_with_the_key(apps, None)
    assert not Event.objects.exists()


def test_a_downgrade_leaves_the_plain_chain_the_old_code_checks(db):
    legacy_log(2)
    upgrade()
    keyed_chain.seal_with_sha256(apps, None)
    found = keyed_chain.check_legacy_chain(Event, ChainHead)
    assert found["legacy_intact"] is True and found["legacy_rows"] == 3
