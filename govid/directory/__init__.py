"""Who the users are: the Directory plug point, its backends, the SQL store of accounts."""

from __future__ import annotations

import re
from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from govid.directory.base import Account, Directory
from govid.directory.conf import directory_settings

__all__ = ["Account", "Directory", "canonical_login", "get_directory"]

# Deliberately plain: a mail address of the province, not every address RFC 5322 allows.
_LOGIN = re.compile(r"^[a-z0-9](?:[a-z0-9._+-]{0,62})@[a-z0-9](?:[a-z0-9.-]{0,252})$")


def canonical_login(text: str) -> str | None:
    """What the user typed -> the canonical address, or None if it cannot be one.

    Surrounding spaces and case are ignored; a bare account name (the seed types
    ``vnpt_testvpdt3``) gets the deployment's mail domain.
    """
    login = text.strip().lower()
    if "@" not in login:
        login = f"{login}@{directory_settings().mail_domain}"
    if len(login) > 254 or not _LOGIN.match(login):
        return None
    return login


@cache
def get_directory() -> Directory:
    """The configured directory backend, built once per process."""
    cls = import_string(directory_settings().backend_path)
    directory: Directory = cls()
    return directory


@receiver(setting_changed)
def _forget_directory(**kwargs: object) -> None:
    if kwargs.get("setting") in ("GOVID_DIRECTORY", "GOVID_LDAP"):
        get_directory.cache_clear()
