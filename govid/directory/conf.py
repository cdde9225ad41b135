"""Directory settings (GOVID_DIRECTORY, GOVID_MAIL_DOMAIN, GOVID_MAIL_DOMAINS) and the LDAP
block (GOVID_LDAP_*)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govid.conf import settings_block

BACKENDS = {
    "sql": "govid.directory.backends.sql.SqlDirectory",
    "memory": "govid.directory.backends.memory.MemoryDirectory",
    "ldap": "govid.directory.backends.ldap.LdapDirectory",
}

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
    timeout: timedelta = timedelta(seconds=5)  # connecting, and each operation
    pool_size: int = 4  # service connections kept open per process


def directory_settings() -> DirectorySettings:
    return settings_block(DirectorySettings, "GOVID_DIRECTORY")


def ldap_settings() -> LdapSettings:
    return settings_block(LdapSettings, "GOVID_LDAP")
