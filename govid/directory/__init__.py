"""Who the users are: the Directory plug point, its backends, the SQL store of accounts."""

from __future__ import annotations

import re
from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from govid.directory.base import Account, Directory
from govid.directory.conf import directory_settings

__all__ = [
    "Account",
    "Directory",
    "account_active",
    "canonical_address",
    "canonical_login",
    "get_directory",
    "in_mail_domains",
    "is_mail_domain",
]

# Deliberately plain: a mail address of the province, not every address RFC 5322 allows. Dots
# only between characters (no "an..nguyen", no "an.@"); each domain label as DNS has it
# (letters, digits, inner hyphens), and no trailing dot: one spelling per mailbox.
_LOCAL = r"[a-z0-9][a-z0-9_+-]*(?:\.[a-z0-9_+-]+)*"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")
_ADDRESS = re.compile(rf"(?P<local>{_LOCAL})@(?P<domain>{_DOMAIN.pattern})")


def is_mail_domain(text: str) -> bool:
    """Whether ``text`` is a domain in canonical form: lower-case ASCII labels, no final dot."""
    return len(text) <= 253 and _DOMAIN.fullmatch(text) is not None


def canonical_address(text: str) -> str | None:
    """What the user typed -> a plain address in canonical form, of any domain; or None.

    Only for saying *why* something is refused: a login is ``canonical_login``'s.
    """
    address = text.strip()
    # ASCII first: lower() would turn look-alikes into letters (the Kelvin sign U+212A -> "k").
    if not address.isascii():
        return None
    address = address.lower()
    if "@" not in address:
        address = f"{address}@{directory_settings().mail_domain}"
    match = _ADDRESS.fullmatch(address)
    if len(address) > 254 or match is None or len(match["local"]) > 64:
        return None
    return address


def in_mail_domains(address: str) -> bool:
    """Whether a canonical address is of one of the province's domains (GOVID_MAIL_DOMAINS)."""
    return address.rpartition("@")[2] in directory_settings().mail_domains


def canonical_login(text: str) -> str | None:
    """What the user typed -> the canonical address, or None if it cannot be a login.

    Surrounding spaces and case are ignored; a bare account name (the seed types
    ``vnpt_testvpdt3``) gets the deployment's mail domain. Only addresses of the configured
    domains (GOVID_MAIL_DOMAINS) are logins: identities are the province's.
    """
    address = canonical_address(text)
    if address is None or not in_mail_domains(address):
        return None
    return address


@cache
def get_directory() -> Directory:
    """The configured directory backend, built once per process."""
    cls = import_string(directory_settings().backend_path)
    directory: Directory = cls()
    return directory


def account_active(login: str) -> bool:
    """The account still exists and is not locked, as the directory says now (asked on every
    staff request)."""
    account = get_directory().find(login)
    return account is not None and not account.locked


@receiver(setting_changed)
def _forget_directory(**kwargs: object) -> None:
    if kwargs.get("setting") in ("GOVID_DIRECTORY", "GOVID_LDAP", "GOVID_ZIMBRA"):
        get_directory.cache_clear()
