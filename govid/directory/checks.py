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
                f"{library.install_hint()}",
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
    """With GOVID_DIRECTORY=ldap: python-ldap installed and every GOVID_LDAP_* that must be."""
    try:
        if directory_settings().backend_path != BACKENDS["ldap"]:
            return []
        conf = ldap_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E010")]
    # python-ldap itself: check_directory says how to install it (govid.E011).
    errors: list[CheckMessage] = [
        Error(
            f"GOVID_DIRECTORY=ldap needs GOVID_LDAP_{key.upper()}",
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
        problems.append("GOVID_LDAP_PASSWORD_SET=unicodepwd needs ldaps:// or START_TLS")
    if conf.timeout.total_seconds() <= 0 or conf.pool_size < 1:
        problems.append("GOVID_LDAP_TIMEOUT and GOVID_LDAP_POOL_SIZE must be at least 1")
    return problems
