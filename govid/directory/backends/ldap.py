"""LdapDirectory: the mail system's own LDAP directory (OpenLDAP with ppolicy, Zimbra, AD).

Passwords are checked by binding as the user and set by the service account with the Password
Modify extended operation (RFC 3062), so the directory hashes them and applies its own policy;
nothing here ever writes a clear-text ``userPassword``. Accounts are read on every request,
never copied into govid's database.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import ldap
from ldap.controls import RequestControl, SimplePagedResultsControl
from ldap.controls.ppolicy import PasswordPolicyControl
from ldap.filter import escape_filter_chars

from govid.directory.backends.ldap_entries import (
    entry_logins,
    entry_unit,
    first_mobile,
    first_name,
    fold,
)
from govid.directory.backends.ldap_locks import Locks
from govid.directory.backends.ldap_pool import LdapPool
from govid.directory.backends.ldap_refusals import (
    ACCOUNT_LOCKED,
    AD_POLICY_CODE,
    diagnostic,
    ppolicy_error,
    refusal_message,
)
from govid.directory.base import (
    Account,
    AccountLocked,
    AccountNotFound,
    Directory,
    DirectoryUnavailable,
    PasswordRefused,
)
from govid.directory.conf import UNICODEPWD, LdapSettings, directory_settings, ldap_settings

log = logging.getLogger("govid.directory")
Attrs = dict[str, list[bytes]]
PAGE_SIZE = 500
# AD's LDAP_SERVER_POLICY_HINTS_OID: a reset then obeys history and minimum age as a user's own
# change does. Its value is the BER of SEQUENCE { flags INTEGER 1 }.
POLICY_HINTS_OID = "1.2.840.113556.1.4.2239"
POLICY_HINTS = b"\x30\x03\x02\x01\x01"


class LdapDirectory(Directory):
    # The directory's password history refuses the current password itself; checking it with
    # a bind would count as a failed login in ppolicy and could lock the person out.
    refuses_current_password: ClassVar[bool] = True

    def __init__(self, conf: LdapSettings | None = None, *, mail_domain: str = "") -> None:
        self.conf = conf or ldap_settings()
        self.domain = mail_domain or directory_settings().mail_domain
        self.locks = Locks.named(self.conf.locks)
        size = self.conf.pool_size
        self._service = LdapPool(self.conf, size=size, prepare=self._bind_service)
        self._binds = LdapPool(self.conf, size=size, prepare=lambda conn: None)
        wanted = [
            self.conf.login_attribute,
            self.conf.uid_attribute,
            *self.conf.name_attributes,
            self.conf.phone_attribute,
            self.conf.unit_attribute,
            *self.locks.attributes,  # operational attributes are only returned when named
        ]
        self._attributes = list(dict.fromkeys(name for name in wanted if name))

    def find(self, login: str) -> Account | None:
        return self._service.run(lambda conn: self._find(conn, login))

    def verify_password(self, account: Account, password: str) -> bool:
        if not password:
            return False  # an empty password makes a bind anonymous, and that "succeeds"
        return self._binds.run(lambda conn: self._bind_as(conn, account.key, password))

    def set_password(self, account: Account, password: str) -> None:
        # Checked again right before writing: OpenLDAP's ppolicy deletes pwdAccountLockedTime
        # on every successful password change, even an administrator's permanent lock.
        self._service.run(lambda conn: self._refuse_if_locked(conn, account))
        # Never repeated: a change that may have reached the directory is not sent twice.
        self._service.run(lambda conn: self._write_password(conn, account, password), retry=False)

    def password_expires(self, account: Account) -> datetime | None:
        """ppolicy: ``pwdChangedTime`` plus the ``pwdMaxAge`` of the entry's policy (its own
        ``pwdPolicySubentry``, else GOVID_LDAP_PASSWORD_POLICY_DN, the server's default)."""
        return self._service.run(lambda conn: self._ppolicy_expiry(conn, account))

    def set_locked(self, account: Account, locked: bool) -> None:
        def work(conn: Any) -> None:
            changes = self.locks.changes(self._read(conn, account), locked)
            if changes:
                self._modify(conn, account, changes)

        self._service.run(work)

    def set_phone(self, account: Account, phone: str | None) -> None:
        name = self.conf.phone_attribute
        values = [phone.encode()] if phone else None
        change = (ldap.MOD_REPLACE if phone else ldap.MOD_DELETE, name, values)
        self._service.run(lambda conn: self._modify(conn, account, [change]))

    def accounts_in(self, unit_codes: Collection[str]) -> list[Account]:
        codes = set(unit_codes)
        if not codes:
            return []
        presence = f"({self.conf.login_attribute or self.conf.uid_attribute}=*)"
        query = presence
        if self.conf.unit_attribute:
            wanted = "".join(
                f"({self.conf.unit_attribute}={escape_filter_chars(code)})"
                for code in sorted(codes)
            )
            query = f"(&{presence}(|{wanted}))"
        found = self._service.run(lambda conn: self._search_all(conn, query))
        accounts = [self._account(dn, attrs) for dn, attrs in found if self._logins(attrs)]
        return sorted((a for a in accounts if a.unit_code in codes), key=lambda a: a.login)

    def burn_verify(self) -> None:
        nobody = f"cn=govid-timing-equaliser,{self.conf.base_dn}"
        self._binds.run(lambda conn: self._bind_as(conn, nobody, "not-the-password"))

    def close(self) -> None:
        """Close the idle connections (tests, and a process that stops using the directory)."""
        self._service.clear()
        self._binds.clear()

    # --- work done on one connection ---

    def _bind_service(self, conn: Any) -> None:
        try:
            conn.simple_bind_s(self.conf.bind_dn, self.conf.bind_password)
        except ldap.INVALID_CREDENTIALS:
            log.error(
                "LDAP refused the service account %s: check GOVID_LDAP_BIND_DN and "
                "GOVID_LDAP_BIND_PASSWORD",
                self.conf.bind_dn,
            )
            raise DirectoryUnavailable("the service account was refused") from None

    def _bind_as(self, conn: Any, dn: str, password: str) -> bool:
        try:
            conn.simple_bind_s(dn, password)
        except (ldap.INVALID_CREDENTIALS, ldap.INVALID_DN_SYNTAX, ldap.UNWILLING_TO_PERFORM):
            return False
        return True

    def _find(self, conn: Any, login: str) -> Account | None:
        local = login.split("@", 1)[0]
        query = self.conf.user_filter.replace("{login}", escape_filter_chars(login))
        query = query.replace("{local}", escape_filter_chars(local))
        try:
            found = conn.search_ext_s(
                self.conf.base_dn, ldap.SCOPE_SUBTREE, query, self._attributes, sizelimit=4
            )
        except (ldap.SIZELIMIT_EXCEEDED, ldap.NO_SUCH_OBJECT):
            found = []
        # The filter may match on the bare name only: keep the entries this address is theirs.
        entries = [(dn, fold(attrs)) for dn, attrs in found if dn]
        matches = [(dn, attrs) for dn, attrs in entries if login in self._logins(attrs)]
        if len(matches) > 1:
            log.warning("%d LDAP entries answer to %s: refused as unknown", len(matches), login)
        return self._account(*matches[0]) if len(matches) == 1 else None

    def _search_all(self, conn: Any, query: str) -> list[tuple[str, Attrs]]:
        """Every entry matching ``query``, page by page (directories cap one answer's size)."""
        control = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie="")
        entries: list[tuple[str, Attrs]] = []
        while True:
            message = conn.search_ext(
                self.conf.base_dn,
                ldap.SCOPE_SUBTREE,
                query,
                self._attributes,
                serverctrls=[control],
            )
            _kind, data, _id, controls = conn.result3(message)
            entries += [(dn, fold(attrs)) for dn, attrs in data if dn]
            cookies = [c.cookie for c in controls if c.controlType == control.controlType]
            if not cookies or not cookies[0]:
                return entries
            control.cookie = cookies[0]

    def _read(self, conn: Any, account: Account) -> Attrs:
        try:
            found = conn.search_s(account.key, ldap.SCOPE_BASE, "(objectClass=*)", self._attributes)
        except ldap.NO_SUCH_OBJECT:
            raise AccountNotFound(account.login) from None
        return fold(found[0][1])

    def _refuse_if_locked(self, conn: Any, account: Account) -> None:
        if self.locks.is_locked(self._read(conn, account)):
            raise AccountLocked(account.login)

    def _write_password(self, conn: Any, account: Account, password: str) -> None:
        try:
            if self.conf.password_set == UNICODEPWD:
                # Active Directory: the new password in quotes, UTF-16LE, over LDAPS only.
                value = f'"{password}"'.encode("utf-16-le")
                hints = [RequestControl(POLICY_HINTS_OID, True, POLICY_HINTS)]
                conn.modify_ext_s(
                    account.key,
                    [(ldap.MOD_REPLACE, "unicodePwd", [value])],
                    serverctrls=hints if self.conf.policy_hints else None,
                )
            else:
                conn.passwd_s(account.key, None, password, serverctrls=[PasswordPolicyControl()])
        except (ldap.CONSTRAINT_VIOLATION, ldap.UNWILLING_TO_PERFORM) as error:
            self._refuse_password(account, error)
        except ldap.INSUFFICIENT_ACCESS:
            # The recommended ACL denies the service account a locked entry's password in the
            # very transaction that would write it: a lock that landed after our check.
            self._refuse_if_locked(conn, account)
            self._misconfigured(account, "may not set the password of")
        except ldap.NO_SUCH_OBJECT:
            raise AccountNotFound(account.login) from None
        except ldap.UNAVAILABLE_CRITICAL_EXTENSION:
            log.error(
                "LDAP directory refuses the password policy hints control: unset "
                "GOVID_LDAP_POLICY_HINTS (the directory is not a Windows AD that honours it)"
            )
            raise DirectoryUnavailable("the directory refuses the policy hints control") from None

    def _ppolicy_expiry(self, conn: Any, account: Account) -> datetime | None:
        wanted = ["pwdChangedTime", "pwdPolicySubentry"]
        try:
            found = conn.search_s(account.key, ldap.SCOPE_BASE, "(objectClass=*)", wanted)
        except ldap.NO_SUCH_OBJECT:
            raise AccountNotFound(account.login) from None
        attrs = fold(found[0][1])
        changed = generalized_time(attrs.get("pwdchangedtime", [b""])[0])
        policy = attrs.get("pwdpolicysubentry", [self.conf.password_policy_dn.encode()])[0]
        if changed is None or not policy:
            return None
        try:
            rules = conn.search_s(
                policy.decode(), ldap.SCOPE_BASE, "(objectClass=*)", ["pwdMaxAge"]
            )
        except ldap.NO_SUCH_OBJECT:
            log.error("LDAP password policy %s does not exist", policy.decode())
            return None
        values = fold(rules[0][1]).get("pwdmaxage") or [b"0"]
        seconds = int(values[0])
        return changed + timedelta(seconds=seconds) if seconds > 0 else None

    def _refuse_password(self, account: Account, error: Exception) -> None:
        code = ppolicy_error(error)
        if code == ACCOUNT_LOCKED:
            raise AccountLocked(account.login)
        text = diagnostic(error)
        policy = code is not None or AD_POLICY_CODE in text
        if policy or isinstance(error, ldap.CONSTRAINT_VIOLATION):
            raise PasswordRefused([refusal_message(code, text)])
        log.error("LDAP would not set the password of %s: %s", account.login, text)
        raise DirectoryUnavailable("the directory would not set the password")

    def _modify(self, conn: Any, account: Account, changes: list[Any]) -> None:
        try:
            conn.modify_s(account.key, changes)
        except ldap.NO_SUCH_ATTRIBUTE:
            pass  # removing what is already gone
        except ldap.NO_SUCH_OBJECT:
            raise AccountNotFound(account.login) from None
        except ldap.INSUFFICIENT_ACCESS:
            self._misconfigured(account, "may not modify")

    def _misconfigured(self, account: Account, what: str) -> None:
        log.error(
            "LDAP service account %s %s %s: see the ACLs in README.md",
            self.conf.bind_dn,
            what,
            account.key,
        )
        raise DirectoryUnavailable(f"the service account {what} the entry")

    # --- entries ---

    def _logins(self, attrs: Attrs) -> list[str]:
        return entry_logins(
            attrs,
            login_attribute=self.conf.login_attribute,
            uid_attribute=self.conf.uid_attribute,
            domain=self.domain,
        )

    def _account(self, dn: str, attrs: Attrs) -> Account:
        login = self._logins(attrs)[0]
        unit = entry_unit(attrs, dn, self.conf.unit_attribute)
        return Account(
            key=dn,
            login=login,
            name=first_name(attrs, self.conf.name_attributes, login.split("@", 1)[0]),
            unit_code=unit,
            unit_name=unit,
            phone=first_mobile(attrs, self.conf.phone_attribute),
            locked=self.locks.is_locked(attrs),
        )


def generalized_time(value: bytes) -> datetime | None:
    """An LDAP GeneralizedTime in UTC (``20260301120000Z``, fractions allowed), or None."""
    text = value.decode("ascii", "replace").rstrip("Z").split(".", 1)[0]
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
