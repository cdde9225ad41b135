"""Who may see and do what: roles scoped by the unit hierarchy, enforced on the server."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from govid.backoffice.models import PhoneRequest, Role, RoleGrant, State
from govid.directory.api import UnitTree, unit_tree

EVERYWHERE = None  # a scope without limit (a grant without unit)
Scope = set[str] | None


@dataclass
class Staff:
    """A signed-in login and its grants, resolved against the unit tree."""

    login: str
    grants: list[tuple[str, str]]  # (role, unit code or "")
    tree: UnitTree
    _scopes: dict[str, Scope] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for role, unit_code in self.grants:
            if role in self._scopes and self._scopes[role] is EVERYWHERE:
                continue
            if not unit_code:
                self._scopes[role] = EVERYWHERE
            else:
                current = self._scopes.get(role) or set()
                self._scopes[role] = current | self.tree.below(unit_code)

    @property
    def roles(self) -> set[str]:
        return set(self._scopes)

    def has(self, role: str) -> bool:
        return role in self._scopes

    def covers(self, role: str, unit_code: str) -> bool:
        """Whether ``role`` is held for ``unit_code`` (directly or through a parent unit)."""
        if role not in self._scopes:
            return False
        scope = self._scopes[role]
        return scope is EVERYWHERE or unit_code in scope

    def scope(self, *roles: str) -> Scope:
        """Every unit any of ``roles`` reaches (None: all of them)."""
        found: set[str] = set()
        for role in roles:
            if role in self._scopes:
                scope = self._scopes[role]
                if scope is EVERYWHERE:
                    return EVERYWHERE
                found |= scope
        return found

    def units(self, *roles: str) -> list[str]:
        """The unit codes of ``scope(*roles)``, sorted (all units for an unlimited scope)."""
        scope = self.scope(*roles)
        codes = {u.code for u in self.tree.all()} if scope is EVERYWHERE else scope
        return sorted(codes)

    # --- requests ---

    def can_see(self, request: PhoneRequest) -> bool:
        if self.covers(Role.UNIT_OFFICER, request.unit_code):
            return True
        if request.state == State.DRAFT:
            return False
        readers = (Role.DISTRICT_REVIEWER, Role.PROVIDER_ADMIN, Role.AUDITOR)
        return any(self.covers(role, request.unit_code) for role in readers)

    def can_edit(self, request: PhoneRequest) -> bool:
        return request.editable and self.covers(Role.UNIT_OFFICER, request.unit_code)

    def can_review(self, request: PhoneRequest) -> bool:
        return request.state == State.SUBMITTED and self.covers(
            Role.DISTRICT_REVIEWER, request.unit_code
        )

    def can_decide(self, request: PhoneRequest) -> bool:
        return request.state == State.FORWARDED and self.covers(
            Role.PROVIDER_ADMIN, request.unit_code
        )

    def sees_full_phones(self, request: PhoneRequest) -> bool:
        """Full numbers only for those allowed to change them: the filing unit, the provider."""
        return self.can_edit(request) or (
            self.covers(Role.PROVIDER_ADMIN, request.unit_code) and request.state != State.DRAFT
        )

    def can_read_letter(self, request: PhoneRequest) -> bool:
        return self.covers(Role.UNIT_OFFICER, request.unit_code) or (
            request.state != State.DRAFT and self.covers(Role.PROVIDER_ADMIN, request.unit_code)
        )

    def visible_requests(self) -> Q:
        """The requests this staff member may list."""
        q = _in(self.scope(Role.UNIT_OFFICER))
        readers = self.scope(Role.DISTRICT_REVIEWER, Role.PROVIDER_ADMIN, Role.AUDITOR)
        return q | (_in(readers) & ~Q(state=State.DRAFT))

    def queue(self) -> Q:
        """The requests waiting for this staff member's action."""
        q = _in(self.scope(Role.UNIT_OFFICER)) & Q(state__in=[State.DRAFT, State.RETURNED])
        q |= _in(self.scope(Role.DISTRICT_REVIEWER)) & Q(state=State.SUBMITTED)
        q |= _in(self.scope(Role.PROVIDER_ADMIN)) & Q(state=State.FORWARDED)
        return q


def _in(scope: Scope) -> Q:
    if scope is EVERYWHERE:
        return Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed
    if not scope:
        return Q(pk__in=[])
    return Q(unit_code__in=sorted(scope))


def load_staff(login: str) -> Staff | None:
    """The staff member behind a login, or None if it holds no role."""
    grants = list(RoleGrant.objects.filter(login=login).values_list("role", "unit_code"))
    if not grants:
        return None
    return Staff(login=login, grants=grants, tree=unit_tree())
