"""manage.py audit verify [--against FILE] | publish: check the keyed chain, publish its head."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govid.audit.chain import verify_chain
from govid.audit.publish import HeadFileError, first_broken_head, publish_head, read_heads


class Command(BaseCommand):
    help = "Check the audit log, or publish its head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check that no row was edited or deleted")
        verify.add_argument(
            "--against",
            metavar="FILE",
            type=Path,
            help="also check every head published in FILE (GOVID_AUDIT_HEAD_FILE, or a copy)",
        )
        sub.add_parser("publish", help="append the chain's head to GOVID_AUDIT_HEAD_FILE now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "publish":
            self.publish()
        else:
            self.verify(options["against"])

    def verify(self, against: Path | None) -> None:
        try:
            heads = read_heads(against) if against is not None else None
        except HeadFileError as error:
            raise CommandError(str(error)) from None
        report = verify_chain()
        if not report.intact:
            raise CommandError(f"audit chain broken: {report.problem}")
        out: dict[str, Any] = {
            "intact": True,
            "rows": report.rows,
            "seq": report.seq,
            "head": report.head,
            "key_id": report.key_id,
        }
        if heads is not None:
            problem = first_broken_head(heads)
            if problem:
                raise CommandError(f"audit chain rewritten: {problem}")
            out["published"] = {"heads": len(heads), "last_seq": max(h.seq for _, h in heads)}
        self.stdout.write(json.dumps(out))

    def publish(self) -> None:
        try:
            head = publish_head()
        except OSError as error:
            raise CommandError(f"cannot write the head file: {error}") from None
        if head is None:
            self.stdout.write(json.dumps({"published": False, "reason": "the audit log is empty"}))
        else:
            self.stdout.write(json.dumps({"published": True, **asdict(head)}))
