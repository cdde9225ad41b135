"""ZimbraDirectory: the mail system itself, through Zimbra's admin SOAP API.

Accounts are read with ``GetAccountRequest`` and listed with ``SearchDirectoryRequest``;
passwords are set with ``SetPasswordRequest`` (so Zimbra applies its own policy, keeps its
history and refreshes its caches) and checked by an ``AuthRequest`` as the person, on the user
SOAP service; lock and phone are ``ModifyAccountRequest``. Nothing is copied into govid's database.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import ClassVar, NoReturn
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element  # a type; parsing is defusedxml's

from govid.directory.backends.zimbra_refusals import password_locked_message, refusal_message
from govid.directory.backends.zimbra_soap import (
    ACCOUNT,
    ADMIN,
    AdminSession,
    SoapClient,
    SoapFault,
    admin_request,
    attributes,
    child,
    element,
)
from govid.directory.base import (
    Account,
    AccountLocked,
    AccountNotFound,
    Directory,
    DirectoryUnavailable,
    PasswordRefused,
)
from govid.directory.conf import ZimbraSettings, directory_settings, zimbra_settings
from govid.phones import InvalidPhone, normalize_phone

log = logging.getLogger("govid.directory")

STATUS = "zimbraAccountStatus"  # active, locked, lockout, closed, maintenance, pending
MODIFIED = "zimbraPasswordModifiedTime"
MAX_AGE = "zimbraPasswordMaxAge"  # days; 0: never expires
COS_ID = "zimbraCOSId"
PASSWORD_LOCKED = "zimbraPasswordLocked"  # noqa: S105  (an attribute name: TRUE, no changes)
NO_SUCH_ACCOUNT = "account.NO_SUCH_ACCOUNT"
PAGE_SIZE = 500


def escape_filter(value: str) -> str:
    """RFC 4515 escaping for a value inside SearchDirectoryRequest's LDAP query."""
    return "".join(f"\\{ord(c):02x}" if c in "\\*()\0" else c for c in value)


def generalized_time(text: str) -> datetime | None:
    """Zimbra's ``20260301120000Z`` (fractions allowed), in UTC; None if unreadable."""
    try:
        return datetime.strptime(text.rstrip("Z").split(".")[0], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


class ZimbraDirectory(Directory):
    # Zimbra's password history refuses the current password itself; checking it with an
    # AuthRequest would count as a failed login towards Zimbra's lockout.
    refuses_current_password: ClassVar[bool] = True

    def __init__(self, conf: ZimbraSettings | None = None, *, mail_domain: str = "") -> None:
        self.conf = conf or zimbra_settings()
        self.domain = mail_domain or directory_settings().mail_domain
        admin = SoapClient(
            self.conf.admin_url, ca_file=self.conf.ca_file, timeout=self.conf.timeout
        )
        self.admin = AdminSession(
            admin, name=self.conf.admin_name, password=self.conf.admin_password
        )
        self.user = SoapClient(
            self.conf.user_url or user_url_of(self.conf.admin_url),
            ca_file=self.conf.ca_file,
            timeout=self.conf.timeout,
        )
        wanted = ["displayName", "cn", STATUS, self.conf.phone_attribute, self.conf.unit_attribute]
        self._attrs = ",".join(dict.fromkeys(name for name in wanted if name))

    def find(self, login: str) -> Account | None:
        found = self._get(login, self._attrs)
        return self._account(found) if found is not None else None

    def verify_password(self, account: Account, password: str) -> bool:
        if not password:
            return False
        request = element("AuthRequest", ACCOUNT)
        child(request, "account", ACCOUNT, account.login, by="name")
        child(request, "password", ACCOUNT, password)
        try:
            self.user.call(request)
        except SoapFault as fault:
            if fault.code == "account.CHANGE_PASSWORD":
                return True  # the password is right; it has expired or must be changed
            if fault.code in ("account.AUTH_FAILED", "account.MAINTENANCE_MODE", NO_SUCH_ACCOUNT):
                return False
            log.error("Zimbra's AuthRequest failed for %s: %s", account.login, fault.code)
            raise DirectoryUnavailable("Zimbra could not check the password") from None
        return True

    def set_password(self, account: Account, password: str) -> None:
        """``SetPasswordRequest``, with the checks of Zimbra's own recovery (ResetPassword).

        ``zimbraPasswordLocked`` (the account's, else its COS's) refuses the change: Zimbra's
        own recovery and a user's change refuse it, an admin's SetPasswordRequest does not look.
        ``zimbraPasswordMustChange`` needs nothing: SetPasswordRequest deletes it in the same
        write (and skips the minimum age while it is set), so the person is not asked to change
        the password they just chose; a separate ModifyAccountRequest would need one more right
        and could fail after the password was set.
        """
        current = self._get(account.login, f"{STATUS},{PASSWORD_LOCKED}", apply_cos=True)
        if current is None:
            raise AccountNotFound(account.login)
        if self._locked(current):
            raise AccountLocked(account.login)
        if (attributes(current).get(PASSWORD_LOCKED) or [""])[0].upper() == "TRUE":
            raise PasswordRefused([password_locked_message()])
        request = admin_request("SetPasswordRequest", id=account.key, newPassword=password)
        try:
            answer = self.admin.call(request, retry=False)  # never sent twice
        except SoapFault as fault:
            self._refuse(account, fault)
        notice = answer.findtext(f"{{{ADMIN}}}message")
        if notice:
            self._bypassed(account, notice, password)

    def _bypassed(self, account: Account, notice: str, password: str) -> None:
        """Zimbra set a password that breaks its policy: logged for the operator, not shown.

        Zimbra writes ``<message>`` only when the admin account holds ``setAccountPassword``
        (or is a global admin), which sets any password and names the broken rule afterwards.
        The password is then set and works, and Zimbra will not ask for another: the person's
        recovery succeeded and there is nothing for them to do. What is wrong is the right
        granted to govid (``changeAccountPassword`` makes Zimbra refuse such a password, and
        govid then shows the refusal next to the field), so the operator is told.
        """
        log.warning(
            "Zimbra set the password of %s against its own policy (%s): govid's admin account "
            "holds setAccountPassword, which bypasses the policy; grant it "
            "changeAccountPassword instead (see README.md)",
            account.login,
            notice.replace(password, "***") if password else notice,  # never the password
        )

    def password_expires(self, account: Account) -> datetime | None:
        found = self._get(account.login, f"{MODIFIED},{MAX_AGE},{COS_ID}")
        if found is None:
            raise AccountNotFound(account.login)
        attrs = attributes(found)
        changed = generalized_time((attrs.get(MODIFIED) or [""])[0])
        if MAX_AGE in attrs:
            days = int(attrs[MAX_AGE][0] or 0)
        else:
            days = self._cos_max_age((attrs.get(COS_ID) or [""])[0])
        return changed + timedelta(days=days) if changed and days > 0 else None

    def set_locked(self, account: Account, locked: bool) -> None:
        current = self._get(account.login, STATUS)
        if current is None:
            raise AccountNotFound(account.login)
        if locked and self._locked(current):
            return  # closed, in maintenance or already locked: leave Zimbra's own status be
        self._modify(account, STATUS, "locked" if locked else "active")

    def set_phone(self, account: Account, phone: str | None) -> None:
        self._modify(account, self.conf.phone_attribute, phone or "")  # empty: removed

    def accounts_in(self, unit_codes: Collection[str]) -> list[Account]:
        codes = set(unit_codes)
        if not codes:
            return []
        unit = self.conf.unit_attribute
        query = "(|" + "".join(f"({unit}={escape_filter(c)})" for c in sorted(codes)) + ")"
        accounts: list[Account] = []
        offset = 0
        while True:
            request = admin_request(
                "SearchDirectoryRequest", query=query, types="accounts", attrs=self._attrs,
                applyCos="0", limit=str(PAGE_SIZE), offset=str(offset), sortBy="name",
            )  # fmt: skip
            answer = self.admin.call(request)
            page = answer.findall(f"{{{ADMIN}}}account")
            accounts += [self._account(node) for node in page]
            offset += len(page)
            if answer.get("more") not in ("1", "true") or not page:
                break
        domains = directory_settings().mail_domains
        mine = [
            a for a in accounts if a.unit_code in codes and a.login.rpartition("@")[2] in domains
        ]
        return sorted(mine, key=lambda a: a.login)

    def burn_verify(self) -> None:
        nobody = Account(key="", login=f"govid-timing-equaliser@{self.domain}", name="")
        self.verify_password(nobody, "not-the-password")

    # --- requests ---

    def _get(self, login: str, attrs: str, *, apply_cos: bool = False) -> Element | None:
        """The account's own ``attrs``, or with its COS's values where it has none."""
        request = admin_request("GetAccountRequest", applyCos=str(int(apply_cos)), attrs=attrs)
        child(request, "account", ADMIN, login, by="name")
        try:
            answer = self.admin.call(request)
        except SoapFault as fault:
            if fault.code in (NO_SUCH_ACCOUNT, "account.NO_SUCH_DOMAIN"):
                return None  # (an address of a domain Zimbra does not serve: /readyz's probe)
            self._fail(login, fault)
        return answer.find(f"{{{ADMIN}}}account")

    def _modify(self, account: Account, name: str, value: str) -> None:
        request = admin_request("ModifyAccountRequest", values=[(name, value)], id=account.key)
        try:
            self.admin.call(request, retry=False)
        except SoapFault as fault:
            if fault.code == NO_SUCH_ACCOUNT:
                raise AccountNotFound(account.login) from None
            self._fail(account.login, fault)

    def _cos_max_age(self, cos_id: str) -> int:
        """The maximum password age (days) of a class of service (the default one if none)."""
        request = admin_request("GetCosRequest", attrs=MAX_AGE)
        child(request, "cos", ADMIN, cos_id or "default", by="id" if cos_id else "name")
        try:
            answer = self.admin.call(request)
        except SoapFault as fault:
            self._fail(cos_id or "default", fault)
        cos = answer.find(f"{{{ADMIN}}}cos")
        return int((attributes(cos).get(MAX_AGE) or ["0"])[0] or 0) if cos is not None else 0

    def _refuse(self, account: Account, fault: SoapFault) -> NoReturn:
        if fault.code == NO_SUCH_ACCOUNT:
            raise AccountNotFound(account.login)
        message = refusal_message(fault.code, fault.reason)
        if message is None:
            self._fail(account.login, fault)
        raise PasswordRefused([message])

    def _fail(self, subject: str, fault: SoapFault) -> NoReturn:
        if fault.code == "service.PERM_DENIED":
            log.error("Zimbra denies govid's admin account on %s: see README.md", subject)
        else:
            log.error("Zimbra refused a request about %s: %s", subject, fault.code)
        raise DirectoryUnavailable(f"Zimbra answered {fault.code}")

    # --- accounts ---

    def _locked(self, node: Element) -> bool:
        return (attributes(node).get(STATUS) or ["active"])[0] != "active"

    def _account(self, node: Element) -> Account:
        attrs = attributes(node)
        login = node.get("name", "").lower()
        unit = (attrs.get(self.conf.unit_attribute) or [""])[0]
        name = next((v[0] for k in ("displayName", "cn") if (v := attrs.get(k)) and v[0]), "")
        return Account(
            key=node.get("id", ""),
            login=login,
            name=name or login.split("@", 1)[0],
            unit_code=unit,
            unit_name=unit,
            phone=first_mobile(attrs.get(self.conf.phone_attribute, [])),
            locked=self._locked(node),
        )


def first_mobile(values: list[str]) -> str | None:
    """The first value that is a Vietnamese mobile number, as E.164; landlines are skipped."""
    for value in values:
        try:
            return normalize_phone(value)
        except InvalidPhone:
            continue
    return None


def user_url_of(admin_url: str) -> str:
    """The user SOAP service of the admin URL's host: https://host/service/soap."""
    host = urlsplit(admin_url).hostname or ""
    return f"https://{host}/service/soap"
