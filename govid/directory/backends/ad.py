"""AdDirectory: Active Directory (GOVID_DIRECTORY=ad), the LDAP backend with AD's ways.

The same GOVID_LDAP_* variables with AD's defaults (``AdSettings``): logins from ``mail``, bare
names from ``sAMAccountName``, passwords set as ``unicodePwd`` over LDAPS or StartTLS by a
service account that holds only the "Reset Password" right, locks read from
``userAccountControl`` (disabled) and ``msDS-User-Account-Control-Computed`` / ``lockoutTime``
(locked out). Expiry is ``pwdLastSet`` plus the domain's ``maxPwdAge``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import ldap

from govid.directory.backends.ldap import LdapDirectory
from govid.directory.backends.ldap_entries import fold
from govid.directory.base import Account, AccountNotFound
from govid.directory.conf import LdapSettings, ldap_settings

# AD counts time in 100 ns ticks since 1601-01-01 UTC (FILETIME); ages are negative tick counts.
EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
DONT_EXPIRE_PASSWORD = 0x10000
NEVER = -(2**63)  # maxPwdAge of a domain whose passwords never expire


def filetime(ticks: int) -> datetime:
    return EPOCH + timedelta(microseconds=ticks // 10)


class AdDirectory(LdapDirectory):
    def __init__(self, conf: LdapSettings | None = None, *, mail_domain: str = "") -> None:
        super().__init__(conf or ldap_settings(), mail_domain=mail_domain)
        self._domain_dn: str | None = None

    def password_expires(self, account: Account) -> datetime | None:
        """``pwdLastSet`` + the domain's ``maxPwdAge``; None when the account's password never
        expires (DONT_EXPIRE_PASSWORD) or the domain sets no maximum age. A password that must
        be changed at the next logon (``pwdLastSet`` 0) expired at AD's epoch, 1601-01-01.
        Fine-grained password policies (PSOs) are not read: the domain's policy applies."""
        return self._service.run(lambda conn: self._expiry(conn, account))

    def _expiry(self, conn: Any, account: Account) -> datetime | None:
        wanted = ["pwdLastSet", "userAccountControl"]
        try:
            found = conn.search_s(account.key, ldap.SCOPE_BASE, "(objectClass=*)", wanted)
        except ldap.NO_SUCH_OBJECT:
            raise AccountNotFound(account.login) from None
        attrs = fold(found[0][1])
        control = _integer(attrs, "useraccountcontrol") or 0
        last_set = _integer(attrs, "pwdlastset")
        if control & DONT_EXPIRE_PASSWORD or last_set is None:
            return None
        domain = self._domain(conn)
        policy = fold(
            conn.search_s(domain, ldap.SCOPE_BASE, "(objectClass=*)", ["maxPwdAge"])[0][1]
        )
        age = _integer(policy, "maxpwdage")
        if age is None or age in (0, NEVER):
            return None
        if last_set == 0:
            return EPOCH
        return filetime(last_set) + timedelta(microseconds=-age // 10)

    def _domain(self, conn: Any) -> str:
        """The domain's naming context (where its password policy is), from the root DSE."""
        if self._domain_dn is None:
            root = conn.search_s("", ldap.SCOPE_BASE, "(objectClass=*)", ["defaultNamingContext"])
            self._domain_dn = fold(root[0][1])["defaultnamingcontext"][0].decode()
        return self._domain_dn


def _integer(attrs: dict[str, list[bytes]], name: str) -> int | None:
    values = attrs.get(name)
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None
