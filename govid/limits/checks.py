"""System checks: every GOVID_LIMITS_* rule readable, the store usable."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from govid.limits.conf import limit_settings
from govid.limits.rules import all_rules
from govid.limits.store import get_store


@register()
def check_limits(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = limit_settings()
        all_rules(conf)
        get_store()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E601")]
    if not 0 <= conf.lookup_time_ms <= 5000:
        return [Error("GOVID_LIMITS_LOOKUP_TIME_MS must be 0..5000", id="govid.E602")]
    return []
