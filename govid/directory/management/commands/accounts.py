"""manage.py accounts add|lock|unlock|unblock|set-phone|show|import ..."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from govid.directory import canonical_login, get_directory
from govid.directory.base import Account, DirectoryError
from govid.directory.changes import PhoneChangeRefused, change_phone, set_locked
from govid.directory.events import account_unblocked
from govid.directory.imports import ImportFileError, ImportPlan, apply_plan, plan_import, read_table
from govid.directory.imports.messages import file_error_message, row_error_message
from govid.directory.provision import ProvisionError, add_account
from govid.phones import InvalidPhone, mask_phone, normalize_phone


class Command(BaseCommand):
    help = "Manage accounts of the configured directory."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add an account (SQL directory)")
        add.add_argument("email")
        add.add_argument("--name", required=True)
        add.add_argument("--unit", required=True, help="unit code")
        add.add_argument("--phone", default=None)
        add.add_argument("--password", default=None)
        for action in ("lock", "unlock", "show"):
            sub.add_parser(action).add_argument("email")
        unblock = sub.add_parser("unblock", help="end a login hold (too many wrong passwords)")
        unblock.add_argument("email")
        set_phone = sub.add_parser("set-phone", help="record the account's mobile number")
        set_phone.add_argument("email")
        set_phone.add_argument("phone")
        imports = sub.add_parser("import", help="accounts and phones from an XLSX or CSV file")
        imports.add_argument("file")
        imports.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add":
                self._add(options)
                return
            if action == "unblock":
                self._unblock(options["email"])
                return
            if action == "import":
                self._import(options["file"], dry_run=options["dry_run"])
                return
            account = self._find(options["email"])
            if action == "show":
                self.stdout.write(json.dumps(_account_json(account), ensure_ascii=False))
            elif action in ("lock", "unlock"):
                self._set_locked(account, locked=action == "lock")
            else:
                self._set_phone(account, options["phone"])
        except (ProvisionError, DirectoryError) as error:
            raise CommandError(str(error) or type(error).__name__) from None
        except InvalidPhone as error:
            raise CommandError(f"invalid phone: {error}") from None

    def _add(self, options: dict[str, Any]) -> None:
        row = add_account(
            options["email"],
            name=options["name"],
            unit=options["unit"],
            phone=options["phone"],
            password=options["password"],
            actor="cli",
        )
        self.stdout.write(json.dumps(_account_json(self._find(row.login)), ensure_ascii=False))

    def _import(self, path: str, *, dry_run: bool) -> None:
        try:
            with open(path, "rb") as source:
                content = source.read()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        with translation.override("en"):
            try:
                plan = plan_import(read_table(content, path))
            except ImportFileError as error:
                raise CommandError(file_error_message(error.code, error.detail)) from None
            report = _plan_json(plan)
        if plan.errors:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            raise CommandError(f"{len(plan.errors)} bad row(s); nothing written")
        if not dry_run:
            try:
                report["written"] = apply_plan(plan, actor="cli")
            except PhoneChangeRefused:
                raise CommandError("a phone arrived on file meanwhile; nothing written") from None
        report["dry_run"] = dry_run
        self.stdout.write(json.dumps(report, ensure_ascii=False))

    def _find(self, email: str) -> Account:
        login = canonical_login(email)
        account = get_directory().find(login) if login else None
        if account is None:
            raise CommandError(f"no account {email!r}")
        return account

    def _set_locked(self, account: Account, *, locked: bool) -> None:
        with transaction.atomic():
            set_locked(account, locked, actor="cli")  # a lock ends its sessions and tokens
        self.stdout.write(json.dumps({"login": account.login, "locked": locked}))

    def _unblock(self, email: str) -> None:
        # Any address can be held, even one without an account (holds do not tell which exist).
        login = canonical_login(email)
        if login is None:
            raise CommandError(f"{email!r} is not a mail address")
        # The concern that holds logins (SSO) releases the hold and says whether there was one.
        answers = account_unblocked.send(sender=Account, login=login, actor="cli")
        held = any(answer for _receiver, answer in answers)
        self.stdout.write(json.dumps({"login": login, "was_held": held}))

    def _set_phone(self, account: Account, phone: str) -> None:
        e164 = normalize_phone(phone)
        try:
            with transaction.atomic():
                change_phone(account, e164, actor="cli", source="cli")
        except PhoneChangeRefused:
            raise CommandError(
                f"{account.login} already has a phone on file "
                f"({mask_phone(account.phone or '')}); a new number replaces it only through "
                "a request in the back office (the unit proposes, the district reviews, the "
                "provider applies)"
            ) from None
        self.stdout.write(json.dumps({"login": account.login, "phone": e164}))


def _account_json(account: Account) -> dict[str, Any]:
    return {
        "login": account.login,
        "name": account.name,
        "unit": account.unit_code,
        "unit_name": account.unit_name,
        "phone": account.phone,
        "phone_masked": mask_phone(account.phone) if account.phone else None,
        "locked": account.locked,
    }


def _plan_json(plan: ImportPlan) -> dict[str, Any]:
    return {
        "rows": len(plan.rows),
        "create": plan.count("create"),
        "update": plan.count("update"),
        "unchanged": plan.count("unchanged"),
        "converted_lines": [row.line for row in plan.rows if row.converted],
        "errors": [
            {"line": e.line, "column": e.column, "code": e.code, "message": row_error_message(e)}
            for e in plan.errors
        ],
    }
