"""``manage.py sso`` for the portal's tiles: add-tile|list-tiles|remove-tile."""

from __future__ import annotations

from typing import Any

from govid.sso.portal import tiles
from govid.sso.portal.models import ICONS


def add_arguments(sub: Any) -> None:
    add = sub.add_parser("add-tile", help="show a registered system on the portal's home")
    add.add_argument("--protocol", required=True, choices=tiles.PROTOCOLS)
    add.add_argument("--party", required=True, help="client id, SP entity id or CAS name")
    add.add_argument("--name", required=True, help="the name people see")
    add.add_argument("--start-url", required=True, help="where the tile opens the system")
    add.add_argument("--description", default="")
    add.add_argument("--icon", default="he-thong", choices=ICONS)
    add.add_argument("--unit", action="append", default=[], help="only for this unit (and below)")
    add.add_argument("--position", type=int, default=100)
    sub.add_parser("list-tiles", help="list the tiles as JSON")
    remove = sub.add_parser("remove-tile", help="take a system off the portal's home")
    remove.add_argument("--protocol", required=True, choices=tiles.PROTOCOLS)
    remove.add_argument("--party", required=True)


def handle(action: str, options: dict[str, Any]) -> Any:
    """The JSON to print for ``action``; TileError for a refusal."""
    if action == "add-tile":
        tile = tiles.add_tile(
            protocol=options["protocol"],
            party=options["party"],
            name=options["name"],
            start_url=options["start_url"],
            description=options["description"],
            icon=options["icon"],
            units=options["unit"],
            position=options["position"],
            actor="cli",
        )
        return tiles.describe(tile)
    if action == "list-tiles":
        return tiles.list_tiles()
    tiles.remove_tile(options["protocol"], options["party"], actor="cli")
    return {"protocol": options["protocol"], "party": options["party"], "removed": True}
