"""System checks: refuse an SMS configuration that cannot work, at start."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from govid.sms.base import SmsGateway
from govid.sms.conf import GATEWAYS, sms_settings


@register()
def check_sms(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = sms_settings()
        cls = import_string(conf.gateway_path)
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E101")]
    except ImportError:
        known = ", ".join(sorted(GATEWAYS))
        return [
            Error(
                f"GOVID_SMS_GATEWAY={sms_settings().gateway!r} is not an SMS gateway",
                hint=f"Set GOVID_SMS_GATEWAY to one of {known} or a dotted path.",
                id="govid.E102",
            )
        ]
    if not (isinstance(cls, type) and issubclass(cls, SmsGateway)):
        return [Error(f"{conf.gateway_path} is not an SmsGateway", id="govid.E103")]
    return []
