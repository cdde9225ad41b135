"""Where an LDAP directory keeps an account's lock: ppolicy, Zimbra or Active Directory.

Each scheme names the attributes it needs (operational ones must be requested by name), says
whether an entry is locked, and gives the modifications that lock or unlock it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from govid.directory.backends.ldap_entries import Attrs, texts

# python-ldap's modify operations, spelled out so that this module needs no import of it.
MOD_REPLACE = 2
MOD_DELETE = 1
Modification = tuple[int, str, list[bytes] | None]

# OpenLDAP's ppolicy: this value means "locked until an administrator unlocks".
PERMANENT_LOCK = b"000001010000Z"
UF_ACCOUNTDISABLE = 0x2
UF_LOCKOUT = 0x10


class LockScheme(Protocol):
    attributes: tuple[str, ...]

    def is_locked(self, attrs: Attrs) -> bool: ...

    def changes(self, attrs: Attrs, locked: bool) -> list[Modification]: ...


@dataclass(frozen=True)
class PpolicyLocks:
    """OpenLDAP's password policy overlay: ``pwdAccountLockedTime``.

    Any value counts, a lockout after failed binds included: ppolicy deletes the attribute on
    every successful password change, so treating an old lockout as expired would let
    self-service lift it. Only an administrator (or the user's own successful bind) does.
    """

    attributes: tuple[str, ...] = ("pwdAccountLockedTime",)

    def is_locked(self, attrs: Attrs) -> bool:
        return bool(attrs.get("pwdaccountlockedtime"))

    def changes(self, attrs: Attrs, locked: bool) -> list[Modification]:
        if locked:
            return [(MOD_REPLACE, "pwdAccountLockedTime", [PERMANENT_LOCK])]
        if self.is_locked(attrs):
            return [(MOD_DELETE, "pwdAccountLockedTime", None)]
        return []


@dataclass(frozen=True)
class ZimbraLocks:
    """Zimbra's ``zimbraAccountStatus``: only ``active`` may sign in or recover."""

    attributes: tuple[str, ...] = ("zimbraAccountStatus",)

    def is_locked(self, attrs: Attrs) -> bool:
        status = texts(attrs, "zimbraAccountStatus")
        return bool(status) and status[0].lower() != "active"

    def changes(self, attrs: Attrs, locked: bool) -> list[Modification]:
        return [(MOD_REPLACE, "zimbraAccountStatus", [b"locked" if locked else b"active"])]


def _int(attrs: Attrs, name: str) -> int | None:
    values = texts(attrs, name)
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None


@dataclass(frozen=True)
class AdLocks:
    """Active Directory: disabled (``userAccountControl``) or locked out.

    The computed flag knows when a lockout has expired; ``lockoutTime`` stays set until the
    next logon, so it is only the fallback when the computed attribute is not returned.
    """

    attributes: tuple[str, ...] = (
        "userAccountControl",
        "lockoutTime",
        "msDS-User-Account-Control-Computed",
    )

    def is_locked(self, attrs: Attrs) -> bool:
        control = _int(attrs, "userAccountControl") or 0
        if control & UF_ACCOUNTDISABLE:
            return True
        computed = _int(attrs, "msDS-User-Account-Control-Computed")
        if computed is not None:
            return bool(computed & UF_LOCKOUT)
        return (_int(attrs, "lockoutTime") or 0) > 0

    def changes(self, attrs: Attrs, locked: bool) -> list[Modification]:
        control = _int(attrs, "userAccountControl") or 0x200  # NORMAL_ACCOUNT
        if locked:
            return [(MOD_REPLACE, "userAccountControl", [b"%d" % (control | UF_ACCOUNTDISABLE)])]
        return [
            (MOD_REPLACE, "userAccountControl", [b"%d" % (control & ~UF_ACCOUNTDISABLE)]),
            (MOD_REPLACE, "lockoutTime", [b"0"]),
        ]


SCHEMES: dict[str, Any] = {"ppolicy": PpolicyLocks, "zimbra": ZimbraLocks, "ad": AdLocks}


@dataclass(frozen=True)
class Locks:
    """The configured schemes together: locked if any of them says so."""

    schemes: tuple[LockScheme, ...]

    @classmethod
    def named(cls, names: Sequence[str]) -> Locks:
        return cls(tuple(SCHEMES[name]() for name in names))

    @property
    def attributes(self) -> list[str]:
        return [name for scheme in self.schemes for name in scheme.attributes]

    def is_locked(self, attrs: Attrs) -> bool:
        return any(scheme.is_locked(attrs) for scheme in self.schemes)

    def changes(self, attrs: Attrs, locked: bool) -> list[Modification]:
        if locked:  # one scheme's lock is enough; the first is the directory's own
            return self.schemes[0].changes(attrs, True)
        return [change for scheme in self.schemes for change in scheme.changes(attrs, False)]
