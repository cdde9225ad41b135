"""manage.py sms send|list|show ...: the helpdesk's and operator's view of the SMS."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from govid.directory.api import canonical_login
from govid.phones import InvalidPhone, normalize_phone
from govid.sms.delivery import queue_bulk, queue_sms
from govid.sms.messages import MessageTooLong, render
from govid.sms.models import Message


class Command(BaseCommand):
    help = "Queue a test SMS, or list what became of the messages (phones masked)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="queue a notice to a phone (to test a gateway)")
        send.add_argument("phone")
        send.add_argument("text")
        broadcast = sub.add_parser(
            "broadcast", help="queue one notice to many phones (codes still go first)"
        )
        broadcast.add_argument("text")
        broadcast.add_argument(
            "--phones",
            required=True,
            help="a file of phone numbers, one a line (blank lines and # comments skipped; - reads"
            " standard input)",
        )
        listing = sub.add_parser("list", help="the newest messages first")
        listing.add_argument("--account", default=None)
        listing.add_argument("--phone", default=None)
        listing.add_argument("--state", default=None, choices=Message.State.values)
        listing.add_argument("--limit", type=int, default=20)
        sub.add_parser("show").add_argument("ref")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "send":
                self._send(options["phone"], options["text"])
            elif options["action"] == "broadcast":
                self._broadcast(options["text"], options["phones"])
            elif options["action"] == "list":
                for message in self._list(options):
                    self._print(message)
            else:
                self._print(self._find(options["ref"]))
        except InvalidPhone as error:
            raise CommandError(f"invalid phone: {error}") from None
        except MessageTooLong as error:
            raise CommandError(f"text does not fit one SMS: {error}") from None

    def _send(self, phone: str, text: str) -> None:
        with transaction.atomic():
            message = queue_sms(normalize_phone(phone), render(text), purpose="notice")
        message.refresh_from_db()
        self._print(message)

    def _broadcast(self, text: str, source: str) -> None:
        """Every number checked before any is queued: a file with a bad line queues nothing."""
        try:
            if source == "-":
                lines = sys.stdin.read().splitlines()
            else:
                lines = Path(source).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {source}: {error}") from None
        phones: dict[str, None] = {}  # in file order, each once
        bad: list[str] = []
        for number, line in enumerate(lines, start=1):
            phone = line.split("#", 1)[0].strip()
            if not phone:
                continue
            try:
                phones[normalize_phone(phone)] = None
            except InvalidPhone as error:
                bad.append(f"line {number}: {error}")
        if bad:
            more = f" (and {len(bad) - 10} more)" if len(bad) > 10 else ""
            raise CommandError("nothing queued; invalid phones: " + "; ".join(bad[:10]) + more)
        if not phones:
            raise CommandError(f"no phone number in {source}")
        body = render(text)
        with transaction.atomic():
            queued = queue_bulk((phone, body) for phone in phones)
        self.stdout.write(json.dumps({"queued": queued, "purpose": "notice"}))

    def _list(self, options: dict[str, Any]) -> list[Message]:
        rows = Message.objects.order_by("-id")
        if options["account"]:
            rows = rows.filter(account=canonical_login(options["account"]) or options["account"])
        if options["phone"]:
            rows = rows.filter(to=normalize_phone(options["phone"]))
        if options["state"]:
            rows = rows.filter(state=options["state"])
        return list(rows[: max(1, options["limit"])])

    def _find(self, ref: str) -> Message:
        try:
            return Message.objects.get(ref=uuid.UUID(ref))
        except (ValueError, Message.DoesNotExist):
            raise CommandError(f"no message {ref}") from None

    def _print(self, message: Message) -> None:
        self.stdout.write(json.dumps(describe(message), ensure_ascii=False))


def describe(message: Message) -> dict[str, Any]:
    """A message as the helpdesk sees it: the phone masked, the code redacted."""
    return {
        "ref": str(message.ref),
        "account": message.account,
        "phone": message.masked_to,
        "purpose": message.purpose,
        "text": message.text,
        "state": message.state,
        "gateway": message.gateway,
        "provider_id": message.provider_id,
        "attempts": message.attempts,
        "last_error": message.last_error,
        **{
            name: value.isoformat() if value else None
            for name in ("queued_at", "sent_at", "delivered_at", "failed_at")
            for value in [getattr(message, name)]
        },
    }
