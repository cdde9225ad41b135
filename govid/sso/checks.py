"""System checks: SSO limits that make sense."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from govid.sso import key_check  # noqa: F401  (registers the deployment's key check)
from govid.sso.conf import sso_settings


@register()
def check_sso(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = sso_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E301")]
    errors: list[CheckMessage] = []
    if min(conf.hold_after, conf.hold_after_ip) < 1:
        errors.append(Error("GOVID_SSO_HOLD_AFTER(_IP) must be at least 1", id="govid.E302"))
    if not timedelta(0) < conf.hold_first <= conf.hold_max:
        errors.append(
            Error(
                "GOVID_SSO_HOLD_FIRST must be positive and at most GOVID_SSO_HOLD_MAX",
                id="govid.E303",
            )
        )
    durations = (conf.idle_timeout, conf.absolute_timeout, conf.remember_for, conf.code_ttl)
    if min(durations) <= timedelta(0) or min(conf.access_token_ttl, conf.id_token_ttl) <= timedelta(
        0
    ):
        errors.append(Error("GOVID_SSO_* durations must be positive", id="govid.E304"))
    if conf.issuer and not conf.issuer.startswith(("https://", "http://")):
        errors.append(
            Error(
                f"GOVID_SSO_ISSUER={conf.issuer!r} is not a URL",
                hint="Set it to the public address, e.g. https://login.soctrang.gov.vn.",
                id="govid.E305",
            )
        )
    return errors
