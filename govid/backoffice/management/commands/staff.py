"""manage.py staff add EMAIL --role ROLE [--unit CODE ...] | remove ... | list [EMAIL]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govid.backoffice.models import Role, RoleGrant
from govid.backoffice.staff import StaffError, grant, revoke
from govid.directory.api import canonical_login


class Command(BaseCommand):
    help = "Give staff their back-office roles, scoped by unit."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for action in ("add", "remove"):
            cmd = sub.add_parser(action, help=f"{action} a role")
            cmd.add_argument("email")
            cmd.add_argument("--role", required=True, choices=Role.values)
            cmd.add_argument("--unit", action="append", default=[], help="unit code (repeatable)")
        sub.add_parser("list", help="list the roles as JSON").add_argument("email", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "list":
                grants = RoleGrant.objects.all()
                if options["email"]:
                    grants = grants.filter(login=canonical_login(options["email"]) or "")
                self._write(list(grants))
                return
            change = grant if action == "add" else revoke
            self._write(
                change(options["email"], role=options["role"], units=options["unit"], actor="cli")
            )
        except StaffError as error:
            raise CommandError(str(error)) from None

    def _write(self, grants: list[RoleGrant]) -> None:
        rows = [{"login": g.login, "role": g.role, "unit": g.unit_code or None} for g in grants]
        self.stdout.write(json.dumps(rows, ensure_ascii=False))
