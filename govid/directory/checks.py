"""System checks: refuse a directory configuration that cannot work, at start."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from govid.directory import is_mail_domain
from govid.directory.backends.ldap_locks import SCHEMES as LOCK_SCHEMES
from govid.directory.base import Directory
from govid.directory.conf import (
    BACKENDS,
    EXOP,
    LIBRARIES,
    UNICODEPWD,
    DirectorySettings,
    LdapSettings,
    Library,
    directory_settings,
    ldap_settings,
    zimbra_settings,
)


@register()
def check_directory(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = directory_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E001")]
    library = missing_library(conf.backend)
    if library is not None:
        return [
            Error(
                f"GOVID_DIRECTORY={conf.backend} needs {library.package}, which is not installed: "
                f"{library.install_hint(backend_name(conf.backend))}",
                id="govid.E011",
            )
        ]
    try:
        cls = import_string(conf.backend_path)
    except ImportError:
        return [
            Error(
                f"GOVID_DIRECTORY={conf.backend!r} is not a directory backend",
                hint=f"Set GOVID_DIRECTORY to one of {known_backends()} or a Directory class's "
                "dotted path.",
                id="govid.E002",
            )
        ]
    if not (isinstance(cls, type) and issubclass(cls, Directory)):
        return [Error(f"{conf.backend_path} is not a Directory", id="govid.E003")]
    if not is_mail_domain(conf.mail_domain):
        return [
            Error(
                f"GOVID_MAIL_DOMAIN={conf.mail_domain!r} is not a mail domain",
                hint="Set it to the domain of the official mailboxes, e.g. soctrang.gov.vn.",
                id="govid.E004",
            )
        ]
    return mail_domain_problems(conf)


def missing_library(backend: str) -> Library | None:
    """The library a backend (by name or dotted path) needs when it cannot be imported here."""
    named = [name for name, path in BACKENDS.items() if backend in (name, path)]
    library = LIBRARIES.get(named[0]) if named else None
    if library is None:
        return None
    try:
        importlib.import_module(library.module)
    except ImportError:
        return library
    return None


def backend_name(backend: str) -> str:
    """The short name of a backend given by name or dotted path (``ad``), else as given."""
    return next((name for name, path in BACKENDS.items() if backend in (name, path)), backend)


def known_backends() -> str:
    """The backend names, each that lacks its library said so: ``ldap (needs python-ldap)``."""
    names = []
    for name in sorted(BACKENDS):
        library = missing_library(name)
        names.append(f"{name} (needs {library.package})" if library else name)
    return ", ".join(names)


def mail_domain_problems(conf: DirectorySettings) -> list[CheckMessage]:
    """GOVID_MAIL_DOMAINS: canonical domains only, GOVID_MAIL_DOMAIN among them."""
    listed = ",".join(conf.mail_domains)
    problems: list[CheckMessage] = [
        Error(
            f"GOVID_MAIL_DOMAINS={listed!r}: {domain!r} is not a mail domain",
            hint="List domains as DNS writes them: lower-case ASCII, no final dot, "
            "e.g. soctrang.gov.vn,cantho.gov.vn.",
            id="govid.E005",
        )
        for domain in conf.mail_domains
        if not is_mail_domain(domain)
    ]
    if conf.mail_domain not in conf.mail_domains:
        problems.append(
            Error(
                f"GOVID_MAIL_DOMAINS={listed!r} does not include "
                f"GOVID_MAIL_DOMAIN={conf.mail_domain!r}",
                hint="Add GOVID_MAIL_DOMAIN to the list: bare account names get that domain.",
                id="govid.E006",
            )
        )
    return problems


REQUIRED_LDAP = ("url", "bind_dn", "bind_password", "base_dn")


@register()
def check_ldap(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With GOVID_DIRECTORY=ldap or ad: every GOVID_LDAP_* that must be set, and set right."""
    try:
        backend = directory_settings().backend_path
        if backend not in (BACKENDS["ldap"], BACKENDS["ad"]):
            return []
        name = "ad" if backend == BACKENDS["ad"] else "ldap"
        conf = ldap_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E010")]
    # python-ldap itself: check_directory says how to install it (govid.E011).
    errors: list[CheckMessage] = [
        Error(
            f"GOVID_DIRECTORY={name} needs GOVID_LDAP_{key.upper()}",
            hint=LDAP_HINTS[key],
            id="govid.E012",
        )
        for key in REQUIRED_LDAP
        if not getattr(conf, key)
    ]
    return errors + [Error(problem, id="govid.E013") for problem in ldap_problems(conf)]


LDAP_HINTS = {
    "url": "The directory's address, e.g. ldaps://ldap.soctrang.gov.vn.",
    "bind_dn": "The DN of govid's service account (not the directory's root DN).",
    "bind_password": "The service account's password.",
    "base_dn": "Where the mailboxes are, e.g. ou=people,dc=soctrang,dc=gov,dc=vn.",
}


def ldap_problems(conf: LdapSettings) -> list[str]:
    """What makes a complete LDAP configuration unworkable, one sentence each."""
    problems = []
    schemes = [url.split("://", 1)[0] for url in conf.url.split()]
    if any(scheme not in ("ldap", "ldaps", "ldapi") for scheme in schemes):
        problems.append(f"GOVID_LDAP_URL={conf.url!r}: use ldap://, ldaps:// or ldapi://")
    if conf.start_tls and "ldaps" in schemes:
        problems.append("GOVID_LDAP_START_TLS=1 goes with ldap://, not ldaps://")
    if conf.ca_file and not Path(conf.ca_file).is_file():
        problems.append(f"GOVID_LDAP_CA_FILE={conf.ca_file!r} is not a file")
    if "{login}" not in conf.user_filter and "{local}" not in conf.user_filter:
        problems.append("GOVID_LDAP_USER_FILTER must contain {login} or {local}")
    unknown = sorted(set(conf.locks) - set(LOCK_SCHEMES)) or ([] if conf.locks else ["(none)"])
    if unknown:
        problems.append(
            f"GOVID_LDAP_LOCKS: {', '.join(unknown)}; use {', '.join(sorted(LOCK_SCHEMES))}"
        )
    if conf.password_set not in (EXOP, UNICODEPWD):
        problems.append("GOVID_LDAP_PASSWORD_SET must be exop or unicodepwd")
    if conf.password_set == UNICODEPWD and not (conf.start_tls or "ldaps" in schemes):
        problems.append(
            "GOVID_LDAP_PASSWORD_SET=unicodepwd (Active Directory) needs ldaps:// or "
            "GOVID_LDAP_START_TLS=1: AD takes a password only over an encrypted connection"
        )
    if conf.policy_hints and conf.password_set != UNICODEPWD:
        problems.append("GOVID_LDAP_POLICY_HINTS=1 goes with GOVID_LDAP_PASSWORD_SET=unicodepwd")
    if conf.timeout.total_seconds() <= 0 or conf.pool_size < 1:
        problems.append("GOVID_LDAP_TIMEOUT and GOVID_LDAP_POOL_SIZE must be at least 1")
    return problems


@register()
def check_zimbra(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With GOVID_DIRECTORY=zimbra: the admin SOAP URL and account, over verified HTTPS."""
    try:
        if directory_settings().backend_path != BACKENDS["zimbra"]:
            return []
        conf = zimbra_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E014")]
    errors: list[CheckMessage] = [
        Error(
            f"GOVID_DIRECTORY=zimbra needs GOVID_ZIMBRA_{key.upper()}", hint=hint, id="govid.E015"
        )
        for key, hint in ZIMBRA_HINTS.items()
        if not getattr(conf, key)
    ]
    urls = [url for url in (conf.admin_url, conf.user_url) if url]
    errors += [
        Error(f"{url!r}: Zimbra is reached over https:// only", id="govid.E016")
        for url in urls
        if not url.startswith("https://")
    ]
    if conf.ca_file and not Path(conf.ca_file).is_file():
        errors.append(
            Error(f"GOVID_ZIMBRA_CA_FILE={conf.ca_file!r} is not a file", id="govid.E016")
        )
    return errors


ZIMBRA_HINTS = {
    "admin_url": "The admin SOAP service, e.g. https://mail.soctrang.gov.vn:7071/service/admin/soap.",
    "admin_name": "govid's delegated admin account (README.md lists its rights).",
    "admin_password": "That admin account's password.",
}
