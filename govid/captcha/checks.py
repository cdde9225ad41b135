"""System checks: a proof-of-work configuration that can work."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from govid.captcha.conf import captcha_settings


@register()
def check_captcha(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = captcha_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E701")]
    errors: list[CheckMessage] = []
    if conf.mode not in ("auto", "always", "off"):
        errors.append(Error("GOVID_CAPTCHA_MODE must be auto, always or off", id="govid.E702"))
    if not 1 <= conf.counter_min <= conf.counter_max <= 10_000_000 or conf.cost < 1:
        errors.append(
            Error(
                "GOVID_CAPTCHA_COST >= 1 and 1 <= GOVID_CAPTCHA_COUNTER_MIN <= "
                "GOVID_CAPTCHA_COUNTER_MAX <= 10000000",
                id="govid.E703",
            )
        )
    if min(conf.after_ip, conf.after_net) < 0:
        errors.append(Error("GOVID_CAPTCHA_AFTER_* must be >= 0", id="govid.E704"))
    return errors
