"""Granting and revoking roles (the command line); every change is audited."""

from __future__ import annotations

from django.db import transaction

from govid import clock
from govid.audit.log import record
from govid.backoffice.models import Role, RoleGrant
from govid.directory import canonical_login, get_directory
from govid.directory.units import unit_tree

# Which kind of unit each scoped role is granted for; the others may also hold no unit (all).
UNIT_KIND = {Role.UNIT_OFFICER: "unit", Role.DISTRICT_REVIEWER: "district"}


class StaffError(ValueError):
    """A one-line reason why the role cannot be granted or revoked."""


def _login(email: str) -> str:
    login = canonical_login(email)
    if login is None or get_directory().find(login) is None:
        raise StaffError(f"no account {email!r} in the directory")
    return login


def _check_units(role: str, units: list[str]) -> None:
    tree = unit_tree()
    kind = UNIT_KIND.get(Role(role))
    if kind and not units:
        raise StaffError(f"role {role} needs --unit (a unit of kind {kind})")
    for code in units:
        unit = tree.get(code)
        if unit is None:
            raise StaffError(f"no unit with code {code!r}")
        if kind and unit.kind != kind:
            raise StaffError(
                f"role {role} is held for a unit of kind {kind}; {code} is {unit.kind}"
            )


def grant(email: str, *, role: str, units: list[str], actor: str) -> list[RoleGrant]:
    """Give ``role`` for each unit (none: the whole province); already held ones are kept."""
    if role not in Role.values:
        raise StaffError(f"no role {role!r}; one of {', '.join(Role.values)}")
    login = _login(email)
    _check_units(role, units)
    with transaction.atomic():
        for code in units or [""]:
            _, created = RoleGrant.objects.get_or_create(
                login=login,
                role=role,
                unit_code=code,
                defaults={"granted_at": clock.now(), "granted_by": actor},
            )
            if created:
                record("role_granted", actor=actor, subject=login, role=role, unit=code or "*")
    return list(RoleGrant.objects.filter(login=login))


def revoke(email: str, *, role: str, units: list[str], actor: str) -> list[RoleGrant]:
    """Take ``role`` away for these units (none given: for every unit)."""
    login = canonical_login(email) or email
    held = RoleGrant.objects.filter(login=login, role=role)
    if units:
        held = held.filter(unit_code__in=units)
    with transaction.atomic():
        gone = list(held.select_for_update().values_list("unit_code", flat=True))
        if not gone:
            raise StaffError(f"{login} does not hold role {role!r} there")
        held.delete()
        for code in gone:
            record("role_revoked", actor=actor, subject=login, role=role, unit=code or "*")
    return list(RoleGrant.objects.filter(login=login))
