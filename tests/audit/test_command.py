"""manage.py audit verify --against FILE and audit publish: the published heads must still hold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from govid.audit.chain import event_hash, verify_chain
from govid.audit.log import record
from govid.audit.models import Event
from tests.audit.conftest import KEY


def write(n: int) -> list[Event]:
    return [record("test_event", actor="test", n=i) for i in range(n)]


def audit(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return json.loads(out.getvalue())


def raw(sql: str, *params: int | str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_publish_prints_the_head_it_wrote(db, head_file):
    *_, last = write(3)
    printed = audit("publish")
    assert printed["published"] is True and (printed["seq"], printed["hash"]) == (3, last.hash)
    assert json.loads(head_file.read_text())["hash"] == last.hash


def test_verify_against_an_intact_log_passes(db, head_file):
    write(3)
    audit("publish")
    *_, last = write(2)
    audit("publish")
    write(1)  # not yet published
    assert audit("verify", "--against", str(head_file)) == {
        "intact": True,
        "rows": 6,
        "seq": 6,
        "head": Event.objects.get(seq=6).hash,
        "key_id": last.key_id,
        "published": {"heads": 2, "last_seq": 5},
    }


def test_verify_against_names_the_first_head_lost_when_the_newest_rows_are_deleted(db, head_file):
    write(3)
    audit("publish")
    write(2)
    audit("publish")
    write(2)
    audit("publish")
    raw("DELETE FROM audit_event WHERE seq > 4")
    raw("UPDATE audit_chainhead SET seq = 4, hash = %s", Event.objects.get(seq=4).hash)
    assert verify_chain().intact  # the table alone looks whole
    with pytest.raises(CommandError, match=r"line 2, seq=5\) no longer holds: no row seq=5"):
        audit("verify", "--against", str(head_file))


def test_verify_against_catches_a_tail_rewritten_even_with_the_key(db, head_file):
    """The worst case: someone holding a (leaked, older) key edits a row and reseals the rest."""
    write(5)
    audit("publish")
    raw("UPDATE audit_event SET actor = 'ke.gian' WHERE seq = 4")
    prev = Event.objects.get(seq=3).hash
    for event in Event.objects.filter(seq__gte=4).order_by("seq"):
        fields = ("seq", "at", "action", "actor", "subject", "ip", "data")
        digest = event_hash(
            KEY.encode(), prev_hash=prev, **{name: getattr(event, name) for name in fields}
        )
        raw(
            "UPDATE audit_event SET prev_hash = %s, hash = %s WHERE id = %s", prev, digest, event.pk
        )
        prev = digest
    raw("UPDATE audit_chainhead SET hash = %s", prev)
    assert verify_chain().intact
    with pytest.raises(CommandError, match=r"seq=5\) no longer holds: row seq=5 has hash"):
        audit("verify", "--against", str(head_file))


def test_verify_against_still_reports_an_edited_row_first(db, head_file):
    write(3)
    audit("publish")
    raw("UPDATE audit_event SET subject = 'khac' WHERE seq = 2")
    with pytest.raises(CommandError, match=r"audit chain broken: row seq=2 .* edited"):
        audit("verify", "--against", str(head_file))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read {file}: No such file or directory"),
        ("", "{file} holds no published head"),
        (
            '{"seq": 1, "hash": "' + "a" * 64 + '"}\n{"seq": 2,',
            "{file} line 2: not a published head",
        ),
        (
            '{"seq": 0, "hash": "' + "a" * 64 + '"}',
            "{file} line 1: not a published head (no positive",
        ),
        ('["a list"]', "{file} line 1: not a published head (not a JSON object)"),
    ],
)
def test_a_bad_head_file_gets_one_clear_line_and_a_non_zero_exit(tmp_path, content, message):
    # No database needed: the file is read first. Its own var/, whatever the suite runs on.
    file = tmp_path / "heads.jsonl"
    if content is not None:
        file.write_text(content)
    env = {**os.environ, "GOVID_VAR_DIR": str(tmp_path)}
    env.pop("GOVID_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "audit", "verify", "--against", str(file)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    (line,) = result.stderr.splitlines()
    assert line.startswith("CommandError: ") and message.format(file=file) in line
