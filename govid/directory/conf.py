"""Directory settings (GOVID_DIRECTORY, GOVID_MAIL_DOMAIN, GOVID_MAIL_DOMAINS) and the LDAP
block (GOVID_LDAP_*), read with Active Directory's defaults when GOVID_DIRECTORY=ad."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govid.conf import settings_block

BACKENDS = {
    "sql": "govid.directory.backends.sql.SqlDirectory",
    "memory": "govid.directory.backends.memory.MemoryDirectory",
    "ldap": "govid.directory.backends.ldap.LdapDirectory",
    "ad": "govid.directory.backends.ad.AdDirectory",
    "zimbra": "govid.directory.backends.zimbra.ZimbraDirectory",
}


@dataclass(frozen=True)
class Library:
    """A Python package a backend needs beyond govid's own dependencies (an optional extra)."""

    module: str  # what the backend imports
    package: str  # its name on PyPI
    extra: str  # the extra of pyproject.toml that installs it, named as its backend
    debs: tuple[str, ...]  # the Debian packages it is built against (the Makefile's *_BUILD_DEBS)

    def install_hint(self, backend: str = "") -> str:
        """How to install it: the one command, then the manual steps."""
        return (
            f"run `make run GOVID_DIRECTORY={backend or self.extra}` (installs it, then serves), "
            "or "
            f"`.venv/bin/pip install -c constraints.txt -e '.[{self.extra}]'` "
            f"(Debian: apt install {' '.join(self.debs)})"
        )


# By backend name; the Makefile installs the same when GOVID_DIRECTORY names the backend.
PYTHON_LDAP = Library(
    module="ldap",
    package="python-ldap",
    extra="ldap",
    debs=("gcc", "libc6-dev", "python3-dev", "libldap2-dev", "libsasl2-dev"),
)
LIBRARIES = {"ldap": PYTHON_LDAP, "ad": PYTHON_LDAP}

# How LdapDirectory sets a password (GOVID_LDAP_PASSWORD_SET).
EXOP = "exop"  # the Password Modify extended operation, RFC 3062 (OpenLDAP, Zimbra)
UNICODEPWD = "unicodepwd"  # Active Directory's unicodePwd attribute, over LDAPS


@dataclass(frozen=True)
class DirectorySettings:
    backend: str = "sql"
    mail_domain: str = "soctrang.gov.vn"  # completes a bare account name (vnpt_testvpdt3)
    # The domains whose addresses are logins (GOVID_MAIL_DOMAINS, commas); empty: mail_domain.
    mail_domains: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.mail_domains:
            object.__setattr__(self, "mail_domains", (self.mail_domain,))

    @property
    def backend_path(self) -> str:
        return BACKENDS.get(self.backend, self.backend)

    @property
    def owns_accounts(self) -> bool:
        """Whether the directory is govid's own SQL one, where ``add_account`` creates the
        accounts people sign in with; any other (the mail system's LDAP) is not govid's to fill."""
        return self.backend_path == BACKENDS["sql"]


@dataclass(frozen=True)
class LdapSettings:
    """The mail system's LDAP directory; defaults fit OpenLDAP as inside Zimbra.

    ``user_filter`` takes ``{login}`` (the full address) and ``{local}`` (the part before
    the ``@``), both escaped. The Active Directory preset is in README.md.
    """

    url: str = ""  # ldap://host, ldaps://host (several, space-separated: tried in order)
    start_tls: bool = False
    ca_file: str = ""  # PEM file of the CA that signed the directory's certificate
    bind_dn: str = ""  # a service account allowed to read entries and set passwords
    bind_password: str = ""
    base_dn: str = ""
    user_filter: str = "(|(mail={login})(uid={local}))"
    login_attribute: str = "mail"
    uid_attribute: str = "uid"  # a bare account name, completed with GOVID_MAIL_DOMAIN
    name_attributes: tuple[str, ...] = ("displayName", "cn")
    phone_attribute: str = "mobile"
    unit_attribute: str = ""  # empty: the entry's organizational unit (its first ou= in the DN)
    locks: tuple[str, ...] = ("ppolicy",)  # ppolicy, zimbra, ad (several: locked if any says so)
    password_set: str = EXOP  # or UNICODEPWD
    # With unicodepwd: send AD's policy-hints control, so that a reset obeys the password
    # history and minimum age as a user's own change does (Windows Server 2012 and later).
    policy_hints: bool = False
    # ppolicy's default policy entry (slapd's ppolicy_default), read for expiry dates when an
    # entry names none of its own in pwdPolicySubentry; empty: only entries' own policies.
    password_policy_dn: str = ""
    timeout: timedelta = timedelta(seconds=5)  # connecting, and each operation
    pool_size: int = 4  # service connections kept open per process


@dataclass(frozen=True)
class AdSettings(LdapSettings):
    """GOVID_DIRECTORY=ad: the same GOVID_LDAP_* variables, with Active Directory's defaults.

    Logins are the ``mail`` addresses (a ``userPrincipalName`` is often in the AD's own DNS
    domain, not the mail domain); a bare account name is the ``sAMAccountName``.
    """

    user_filter: str = (
        "(&(objectCategory=person)(objectClass=user)(|(mail={login})(sAMAccountName={local})))"
    )
    uid_attribute: str = "sAMAccountName"
    locks: tuple[str, ...] = ("ad",)
    password_set: str = UNICODEPWD


@dataclass(frozen=True)
class ZimbraSettings:
    """GOVID_DIRECTORY=zimbra: the mail system's admin SOAP API (GOVID_ZIMBRA_*)."""

    admin_url: str = ""  # https://mail.soctrang.gov.vn:7071/service/admin/soap
    # The user SOAP service, where a password is checked as the person's own login; empty:
    # the admin URL's host on port 443, /service/soap.
    user_url: str = ""
    admin_name: str = ""  # a delegated admin account (see README.md), not the global admin
    admin_password: str = ""
    ca_file: str = ""  # PEM file of the CA that signed the server's certificate
    phone_attribute: str = "mobile"
    unit_attribute: str = "ou"  # or company, department: the unit's code
    timeout: timedelta = timedelta(seconds=5)


def zimbra_settings() -> ZimbraSettings:
    return settings_block(ZimbraSettings, "GOVID_ZIMBRA")


def directory_settings() -> DirectorySettings:
    return settings_block(DirectorySettings, "GOVID_DIRECTORY")


def ldap_settings() -> LdapSettings:
    """The GOVID_LDAP_* block, with AD's defaults when GOVID_DIRECTORY=ad."""
    if directory_settings().backend_path == BACKENDS["ad"]:
        return settings_block(AdSettings, "GOVID_LDAP")
    return settings_block(LdapSettings, "GOVID_LDAP")
