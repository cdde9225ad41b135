"""System checks: notice channels and the SMTP server's settings that cannot work are refused
at start, each with the variable to set."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import validate_email

from govid.sms.api import MessageTooLong, render
from govid.sso.notices.conf import EVENTS, SECURITY, notice_settings, smtp_settings
from govid.sso.notices.texts import SMS
from govid.web.api import support_settings

# The longest time a notice SMS can show.
LONGEST = datetime(2026, 12, 31, 23, 59)  # noqa: DTZ001  (only its text's length counts)


@register()
def check_notices(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        notices, smtp = notice_settings(), smtp_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E901")]
    errors: list[CheckMessage] = []
    for event in EVENTS:
        for word in notices.unknown_channels(event):
            errors.append(
                Error(
                    f"GOVID_NOTICES_{event.upper()}: {word!r} is not a channel",
                    hint="Write email, sms, both or none (or email,sms).",
                    id="govid.E902",
                )
            )
    if smtp.security not in SECURITY:
        errors.append(
            Error(
                f"GOVID_SMTP_SECURITY={smtp.security!r} is not a way to reach the server",
                hint="Write starttls (port 587), tls (port 465) or none.",
                id="govid.E903",
            )
        )
    if smtp.host:
        try:
            validate_email(smtp.sender)
        except Exception:
            errors.append(
                Error(
                    f"GOVID_SMTP_FROM_ADDRESS={smtp.sender!r} is not an e-mail address",
                    id="govid.E904",
                )
            )
    if not 0 < notices.max_attempts <= 100:
        errors.append(Error("GOVID_NOTICES_MAX_ATTEMPTS must be 1 to 100", id="govid.E905"))
    for event, template in SMS.items():
        try:
            render(template, time=f"{LONGEST:%H:%M %d/%m/%Y}", support=support_settings().phone)
        except MessageTooLong as error:
            errors.append(
                Error(
                    f"the {event} notice SMS is over one SMS: {error}",
                    hint="Shorten GOVID_SUPPORT_PHONE.",
                    id="govid.E906",
                )
            )
    return errors
