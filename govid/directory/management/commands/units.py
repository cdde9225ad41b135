"""manage.py units add CODE --name NAME [--parent CODE] | units list"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govid.directory.models import Unit
from govid.directory.provision import ProvisionError, add_unit


class Command(BaseCommand):
    help = "Manage the units (province -> district -> unit) of the SQL directory."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a unit")
        add.add_argument("code")
        add.add_argument("--name", required=True)
        add.add_argument("--parent", default=None, help="code of the parent unit")
        sub.add_parser("list", help="list the units as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add":
            try:
                unit = add_unit(
                    options["code"], name=options["name"], parent=options["parent"], actor="cli"
                )
            except ProvisionError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(json.dumps(_unit_json(unit), ensure_ascii=False))
        else:
            units = Unit.objects.select_related("parent").order_by("code")
            self.stdout.write(json.dumps([_unit_json(u) for u in units], ensure_ascii=False))


def _unit_json(unit: Unit) -> dict[str, str | None]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent else None,
    }
