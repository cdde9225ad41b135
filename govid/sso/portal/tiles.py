"""The portal's tiles: registering them per system, and the ones a person may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.urls import reverse
from oauth2_provider.models import Application

from govid.audit.api import record
from govid.directory.api import Account, unit_tree
from govid.sso.cas.models import CasService
from govid.sso.portal.models import ICONS, SystemTile
from govid.sso.saml.models import ServiceProvider

PROTOCOLS = ("oidc", "saml", "cas")


class TileError(ValueError):
    """A one-line reason why the tile cannot be added or removed."""


@dataclass(frozen=True)
class Tile:
    name: str
    description: str
    icon: str
    href: str


def _party_exists(protocol: str, party: str) -> bool:
    if protocol == "oidc":
        return bool(Application.objects.filter(client_id=party).exists())
    if protocol == "saml":
        return ServiceProvider.objects.filter(entity_id=party).exists()
    return CasService.objects.filter(name=party).exists()


def add_tile(
    *,
    protocol: str,
    party: str,
    name: str,
    start_url: str,
    description: str = "",
    icon: str = "he-thong",
    units: list[str] | None = None,
    position: int = 100,
    actor: str,
) -> SystemTile:
    """Show a registered system on the portal (replacing its tile if it has one)."""
    if protocol not in PROTOCOLS:
        raise TileError(f"protocol must be one of {', '.join(PROTOCOLS)}")
    if not _party_exists(protocol, party):
        raise TileError(f"no {protocol} system {party!r} is registered")
    if icon not in ICONS:
        raise TileError(f"icon must be one of {', '.join(ICONS)}")
    parts = urlsplit(start_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TileError(f"start url {start_url!r}: an http(s) address is needed")
    if not name.strip():
        raise TileError("a tile needs a name")
    with transaction.atomic():
        tile, _ = SystemTile.objects.update_or_create(
            protocol=protocol,
            party=party,
            defaults={
                "name": name.strip(),
                "description": description.strip(),
                "icon": icon,
                "start_url": start_url,
                "units": ",".join(code.strip() for code in units or [] if code.strip()),
                "position": position,
            },
        )
        record("client_changed", actor=actor, subject=f"{protocol}:{party}", tile=name.strip())
    return tile


def remove_tile(protocol: str, party: str, *, actor: str) -> None:
    with transaction.atomic():
        deleted, _ = SystemTile.objects.filter(protocol=protocol, party=party).delete()
        if not deleted:
            raise TileError(f"no tile for {protocol} system {party!r}")
        record("client_changed", actor=actor, subject=f"{protocol}:{party}", tile="")


def describe(tile: SystemTile) -> dict[str, Any]:
    return {
        "protocol": tile.protocol,
        "party": tile.party,
        "name": tile.name,
        "description": tile.description,
        "icon": tile.icon,
        "start_url": tile.start_url,
        "units": [code for code in tile.units.split(",") if code],
        "position": tile.position,
    }


def list_tiles() -> list[dict[str, Any]]:
    return [describe(t) for t in SystemTile.objects.order_by("position", "name")]


def _href(tile: SystemTile) -> str:
    """Where the tile goes: CAS through govid's /cas/login (a ticket at once), the others to
    the system, which signs in through govid."""
    if tile.protocol == "cas":
        return f"{reverse('cas:login')}?{urlencode({'service': tile.start_url})}"
    return tile.start_url


def tiles_for(account: Account) -> list[Tile]:
    """The tiles this person may open: those for everyone, and those of their unit or of a
    unit above it."""
    tiles = list(SystemTile.objects.order_by("position", "name"))
    if not tiles:
        return []
    tree = unit_tree() if any(t.units for t in tiles) else None
    shown = []
    for tile in tiles:
        codes = [code for code in tile.units.split(",") if code]
        allowed = not codes or (
            tree is not None and any(account.unit_code in tree.below(code) for code in codes)
        )
        if not allowed:
            continue
        shown.append(
            Tile(name=tile.name, description=tile.description, icon=tile.icon, href=_href(tile))
        )
    return shown
