"""System checks: recovery limits that make sense."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from govid.recovery.conf import recovery_settings


@register()
def check_recovery(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = recovery_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E201")]
    errors: list[CheckMessage] = []
    if conf.code_ttl < timedelta(minutes=1) or conf.code_ttl > timedelta(minutes=30):
        errors.append(Error("GOVID_RECOVERY_CODE_TTL must be 60..1800 seconds", id="govid.E202"))
    if min(conf.max_attempts, conf.daily_codes) < 1 or conf.max_resends < 0:
        errors.append(Error("GOVID_RECOVERY_* limits must be positive", id="govid.E203"))
    # The code SMS's template is checked with the SMS settings (govid.sms.checks), for 30 minutes.
    return errors
