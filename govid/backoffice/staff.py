"""Granting and revoking roles (the roles page and the command line); every change is audited.

Roles are scoped both ways: an administrator grants and revokes only within the units their own
administration reaches (a province-wide grant only by a province-wide administrator), never
their own administration, and the last province-wide administrator stays. Refusals are
audited too. The command line (``by=None``) is the server's operator: any scope, same last-
administrator rule.
"""

from __future__ import annotations

from django.db import transaction

from govid import clock
from govid.audit.api import record
from govid.backoffice.access import EVERYWHERE, Staff
from govid.backoffice.models import Role, RoleGrant
from govid.directory.api import access_ended, canonical_login, get_directory, unit_tree

# Which kind of unit each scoped role is granted for; the others may also hold no unit (all).
UNIT_KIND = {Role.UNIT_OFFICER: "unit", Role.DISTRICT_REVIEWER: "district"}


class StaffError(ValueError):
    """A one-line reason why the role cannot be granted or revoked; ``code`` is stable
    (``outside_scope``, ``wider_than_own``, ``own_admin``, ``last_admin``, ``invalid``)."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


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


def reaches(by: Staff | None, unit_code: str) -> bool:
    """Whether ``by``'s administration reaches a grant for ``unit_code`` ("" = the province)."""
    if by is None:
        return True
    if not unit_code:
        return by.has(Role.PROVIDER_ADMIN) and by.scope(Role.PROVIDER_ADMIN) is EVERYWHERE
    return by.covers(Role.PROVIDER_ADMIN, unit_code)


def _refuse(code: str, message: str, *, change: str, login: str, role: str, actor: str,
            units: list[str]) -> StaffError:  # fmt: skip
    """Audit the refusal (in a transaction of its own: it stays) and return the error."""
    with transaction.atomic():
        record(
            "role_change_refused",
            actor=actor,
            subject=login,
            change=change,
            role=role,
            unit=",".join(code or "*" for code in units) or "*",
            reason=code,
        )
    return StaffError(message, code)


def grant(
    email: str, *, role: str, units: list[str], actor: str, by: Staff | None = None
) -> list[RoleGrant]:
    """Give ``role`` for each unit (none: the whole province); already held ones are kept."""
    if role not in Role.values:
        raise StaffError(f"no role {role!r}; one of {', '.join(Role.values)}")
    login = _login(email)
    _check_units(role, units)
    for code in units or [""]:
        if not reaches(by, code):
            raise _refuse(
                "wider_than_own" if not code else "outside_scope",
                f"{actor} cannot grant {role} for {code or 'the whole province'}",
                change="grant", login=login, role=role, actor=actor, units=units,
            )  # fmt: skip
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


def revoke(
    email: str, *, role: str, units: list[str], actor: str, by: Staff | None = None
) -> list[RoleGrant]:
    """Take ``role`` away for these units (none given: for every unit)."""
    login = canonical_login(email) or email
    held = RoleGrant.objects.filter(login=login, role=role)
    if units:
        held = held.filter(unit_code__in=units)
    refusal = None
    with transaction.atomic():
        gone = list(held.select_for_update().values_list("unit_code", flat=True))
        if not gone:
            raise StaffError(f"{login} does not hold role {role!r} there")
        refusal = _revoke_problem(login, role, gone, by)
        if refusal is None:
            held.delete()
            for code in gone:
                record("role_revoked", actor=actor, subject=login, role=role, unit=code or "*")
            # Whatever the role let them do, they stop doing now: every session ends.
            access_ended.send(sender=RoleGrant, login=login, reason="role_revoked", actor=actor)
    if refusal is not None:
        code, message = refusal
        raise _refuse(code, message, change="revoke", login=login, role=role, actor=actor,
                      units=gone)  # fmt: skip
    return list(RoleGrant.objects.filter(login=login))


def _revoke_problem(
    login: str, role: str, gone: list[str], by: Staff | None
) -> tuple[str, str] | None:
    """Why these grants may not go (a stable code and a line), or None."""
    outside = [code for code in gone if not reaches(by, code)]
    if outside:
        return "outside_scope", f"{login}'s {role} for {outside[0] or 'the province'} is beyond"
    if role != Role.PROVIDER_ADMIN:
        return None
    if by is not None and by.login == login:
        return "own_admin", "nobody revokes their own administration; another administrator does"
    if "" in gone:
        # Locked, so that two administrators revoking each other at once cannot both succeed.
        province = RoleGrant.objects.select_for_update().filter(role=role, unit_code="")
        if not set(province.values_list("login", flat=True)) - {login}:
            return "last_admin", f"{login} is the last province-wide administrator"
    return None
