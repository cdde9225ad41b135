"""Who must have a second factor, and until when they may put off enrolling.

The back office sits above sso: it tells sso how to read a login's roles
(``set_role_reader``, from its AppConfig.ready) instead of sso importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from govid import clock
from govid.sso.factors.conf import EVERY_ROLE, factor_settings
from govid.sso.factors.devices import has_factor
from govid.sso.factors.models import FactorDeadline
from govid.sso.models import User

RoleReader = Callable[[str], set[str]]
_role_reader: list[RoleReader] = []


def set_role_reader(reader: RoleReader) -> None:
    """The function that gives a login's back-office roles (the back office sets it)."""
    _role_reader[:] = [reader]


def _roles_of(login: str) -> set[str]:
    return _role_reader[0](login) if _role_reader else set()


def must_have_factor(login: str, *, is_staff: bool | None = None) -> bool:
    """Whether ``login`` holds a power that needs a second factor (a role, the administration).
    ``is_staff``: the caller's fresh copy of the User's flag, to save asking again."""
    conf = factor_settings()
    if conf.required_for_admin:
        if is_staff is None:
            is_staff = User.objects.filter(login=login, is_staff=True).exists()
        if is_staff:
            return True
    if not conf.required_roles:
        return False
    roles = _roles_of(login)
    if EVERY_ROLE in conf.required_roles:
        return bool(roles)
    return bool(roles & set(conf.required_roles))


def grace_ends(login: str) -> datetime:
    """When ``login``'s grace period ends (it starts the first time it is asked)."""
    deadline, _ = FactorDeadline.objects.get_or_create(login=login, defaults={"since": clock.now()})
    return deadline.since + factor_settings().grace_period


def must_enrol_now(login: str) -> bool:
    """Whether ``login`` must have a factor, has none, and its grace period is over."""
    return must_have_factor(login) and not has_factor(login) and clock.now() >= grace_ends(login)


def lacks_required_factor(login: str, *, is_staff: bool | None = None) -> bool:
    """Whether ``login`` must have a factor and has none yet (grace period or not)."""
    return must_have_factor(login, is_staff=is_staff) and not has_factor(login)
