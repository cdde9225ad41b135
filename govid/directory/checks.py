"""System checks: refuse a directory configuration that cannot work, at start."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from govid.directory.base import Directory
from govid.directory.conf import BACKENDS, directory_settings


@register()
def check_directory(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = directory_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E001")]
    try:
        cls = import_string(conf.backend_path)
    except ImportError:
        known = ", ".join(sorted(BACKENDS))
        return [
            Error(
                f"GOVID_DIRECTORY={conf.backend!r} is not a directory backend",
                hint=f"Set GOVID_DIRECTORY to one of {known} or a Directory class's dotted path.",
                id="govid.E002",
            )
        ]
    if not (isinstance(cls, type) and issubclass(cls, Directory)):
        return [Error(f"{conf.backend_path} is not a Directory", id="govid.E003")]
    if "@" in conf.mail_domain or "." not in conf.mail_domain:
        return [
            Error(
                f"GOVID_MAIL_DOMAIN={conf.mail_domain!r} is not a mail domain",
                hint="Set it to the domain of the official mailboxes, e.g. soctrang.gov.vn.",
                id="govid.E004",
            )
        ]
    return []
