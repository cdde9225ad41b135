"""System checks: an audit key or head file setting that cannot work is refused at start."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from govid.audit.conf import audit_settings
from govid.audit.keys import MIN_LENGTH


@register()
def check_audit(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = audit_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E801")]
    errors: list[CheckMessage] = []
    keys = [("GOVID_AUDIT_KEY", conf.key.strip())] if conf.key.strip() else []
    keys += [("GOVID_AUDIT_KEY_FALLBACKS", key.strip()) for key in conf.key_fallbacks]
    if any(len(key) < MIN_LENGTH for _, key in keys):
        names = sorted({name for name, key in keys if len(key) < MIN_LENGTH})
        errors.append(
            Error(
                f"{' and '.join(names)}: an audit key needs at least {MIN_LENGTH} characters",
                hint="Leave GOVID_AUDIT_KEY empty to have one generated into var/audit_key, or "
                'set one from: python3 -c "import secrets; print(secrets.token_urlsafe(50))"',
                id="govid.E802",
            )
        )
    if conf.publish_every.total_seconds() < 1:
        errors.append(Error("GOVID_AUDIT_PUBLISH_EVERY must be >= 1 second", id="govid.E803"))
    if not conf.head_file:
        errors.append(
            Error(
                "GOVID_AUDIT_HEAD_FILE is empty",
                hint="Name a file outside the database.",
                id="govid.E804",
            )
        )
    return errors
