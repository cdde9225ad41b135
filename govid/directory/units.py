"""The unit hierarchy (province -> district -> unit) as other concerns see it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from govid.directory.models import Unit


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    kind: str  # "province", "district" or "unit"
    parent: str | None


class UnitTree:
    """All units at one moment, with the walks the back office needs."""

    def __init__(self, units: Iterable[UnitInfo]) -> None:
        self._units = {unit.code: unit for unit in units}
        self._children: dict[str, list[str]] = {}
        for unit in self._units.values():
            if unit.parent:
                self._children.setdefault(unit.parent, []).append(unit.code)

    def get(self, code: str) -> UnitInfo | None:
        return self._units.get(code)

    def all(self) -> list[UnitInfo]:
        return sorted(self._units.values(), key=lambda unit: unit.code)

    def below(self, code: str) -> set[str]:
        """The unit and everything under it."""
        found, todo = set(), [code]
        while todo:
            current = todo.pop()
            if current in self._units and current not in found:
                found.add(current)
                todo.extend(self._children.get(current, []))
        return found

    def district_of(self, code: str) -> UnitInfo | None:
        """The district the unit belongs to (itself if it is one), None above or outside."""
        unit = self._units.get(code)
        while unit is not None and unit.kind != Unit.Kind.DISTRICT:
            unit = self._units.get(unit.parent) if unit.parent else None
        return unit


def unit_tree() -> UnitTree:
    """The current units, read once."""
    rows = Unit.objects.values_list("code", "name", "kind", "parent__code")
    return UnitTree(UnitInfo(code, name, kind, parent) for code, name, kind, parent in rows)
