"""System checks: refuse an SMS configuration that cannot work, at start, naming the variable."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from govid.sms import messages
from govid.sms.base import SmsGateway
from govid.sms.conf import (
    GATEWAYS,
    SmsSettings,
    gateway_path,
    http_sms_settings,
    kannel_settings,
    smpp_settings,
    sms_settings,
)

# A brandname: up to 11 letters, digits, spaces, dots or dashes; or a number of up to 15 digits.
_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 .\-]{1,11}$|^\+?\d{3,15}$")


@register()
def check_sms(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = sms_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E101")]
    errors = _check_routes(conf)
    for block, prefix in (
        (kannel_settings, "GOVID_KANNEL"),
        (smpp_settings, "GOVID_SMPP"),
        (http_sms_settings, "GOVID_HTTP_SMS"),
    ):
        try:
            gateway = block()  # a typo or a bad value in any gateway's variables, used or not
        except ImproperlyConfigured as error:
            errors.append(Error(str(error), id="govid.E107"))
            continue
        if gateway.rate < 0:
            errors.append(
                Error(
                    f"{prefix}_RATE={gateway.rate} is not a rate",
                    hint="Messages a second the carrier allows, or 0 for no limit.",
                    id="govid.E110",
                )
            )
    if not _SENDER.match(conf.sender):
        errors.append(
            Error(
                f"GOVID_SMS_SENDER={conf.sender!r} is not a brandname",
                hint="Up to 11 unaccented letters and digits (the registered brandname).",
                id="govid.E104",
            )
        )
    errors += _check_texts(conf)
    if conf.max_attempts < 1 or conf.retry_base.total_seconds() < 1:
        errors.append(
            Error("GOVID_SMS_MAX_ATTEMPTS and GOVID_SMS_RETRY_BASE must be >= 1", id="govid.E106")
        )
    if conf.bulk_batch < 1 or conf.bulk_in_flight < 1:
        errors.append(
            Error("GOVID_SMS_BULK_BATCH and GOVID_SMS_BULK_IN_FLIGHT must be >= 1", id="govid.E106")
        )
    return errors


def _check_routes(conf: SmsSettings) -> list[CheckMessage]:
    if not conf.route_names:
        return [Error("GOVID_SMS_GATEWAY is empty", id="govid.E102")]
    errors: list[CheckMessage] = []
    for name in conf.route_names:
        try:
            cls = import_string(gateway_path(name))
        except ImportError:
            known = ", ".join(sorted(GATEWAYS))
            errors.append(
                Error(
                    f"GOVID_SMS_GATEWAY={name!r} is not an SMS gateway",
                    hint=f"Set GOVID_SMS_GATEWAY to one or more of {known} (comma-separated, "
                    "in failover order) or dotted paths.",
                    id="govid.E102",
                )
            )
            continue
        if not (isinstance(cls, type) and issubclass(cls, SmsGateway)):
            errors.append(Error(f"{gateway_path(name)} is not an SmsGateway", id="govid.E103"))
        errors += _check_gateway_settings(name)
    return errors


def _required(name: str) -> list[tuple[str, str]]:
    """(variable, value) of the settings a built-in gateway cannot work without."""
    if name == "kannel":
        return [("GOVID_KANNEL_SENDSMS_URL", kannel_settings().sendsms_url)]
    if name == "smpp":
        conf = smpp_settings()
        return [("GOVID_SMPP_HOST", conf.host), ("GOVID_SMPP_SYSTEM_ID", conf.system_id)]
    if name == "http":
        return [("GOVID_HTTP_SMS_URL", http_sms_settings().url)]
    return []


def _check_gateway_settings(name: str) -> list[CheckMessage]:
    try:
        required = _required(name)
    except ImproperlyConfigured:
        return []  # reported once, by check_sms
    errors: list[CheckMessage] = [
        Error(f"GOVID_SMS_GATEWAY={name} needs {var}", id="govid.E107")
        for var, value in required
        if not value
    ]
    if name == "http":
        from govid.sms.gateways.http import PRESETS

        if http_sms_settings().preset not in PRESETS:
            errors.append(
                Error(
                    f"GOVID_HTTP_SMS_PRESET={http_sms_settings().preset!r} is not a preset",
                    hint=f"One of {', '.join(PRESETS)}.",
                    id="govid.E108",
                )
            )
    if name == "kannel" and not settings.GOVID_PUBLIC_URL:
        errors.append(
            Warning(
                "GOVID_PUBLIC_URL is not set: Kannel cannot report deliveries, "
                "messages will stay 'sent'",
                hint="Set it to the address the gateway reaches govid at.",
                id="govid.W109",
            )
        )
    return errors


def _check_texts(conf: SmsSettings) -> list[CheckMessage]:
    """Every template renders, unaccented, into one GSM-7 segment with the longest values."""
    errors: list[CheckMessage] = []
    longest = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)  # 23:59 31/12 local: 16 characters
    cases: list[tuple[str, str, set[str], Callable[[], str]]] = [
        (
            "GOVID_SMS_CODE_TEMPLATE",
            conf.code_template,
            {"code", "minutes"},
            lambda: messages.code_text("000000", minutes=30),
        ),
        (
            "GOVID_SMS_NOTICE_TEMPLATE",
            conf.notice_template,
            {"time", "support"},
            lambda: messages.password_changed_text(longest, support=_support_phone()),
        ),
    ]
    for variable, template, allowed, render in cases:
        used = messages.placeholders(template)
        unknown = used - allowed
        if variable == "GOVID_SMS_CODE_TEMPLATE" and "code" not in used:
            errors.append(Error(f"{variable} must contain {{code}}", id="govid.E105"))
            continue
        if unknown:
            names = ", ".join("{" + name + "}" for name in sorted(unknown))
            errors.append(Error(f"{variable} uses unknown placeholders {names}", id="govid.E105"))
            continue
        try:
            render()
        except messages.MessageTooLong as error:
            errors.append(Error(f"{variable} does not fit one SMS: {error}", id="govid.E105"))
        except (ValueError, IndexError) as error:
            errors.append(Error(f"{variable} is not a template: {error}", id="govid.E105"))
    return errors


def _support_phone() -> str:
    from govid.web.api import support_settings

    return support_settings().phone
