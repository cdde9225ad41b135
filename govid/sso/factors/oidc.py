"""OpenID Connect and second factors: ``amr``/``acr`` in ID tokens, and the step up that a
client's ``acr_values`` (or its configuration) asks for before a code is issued."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from govid.sso.factors import steps
from govid.sso.factors.conf import factor_settings
from govid.sso.factors.devices import has_factor
from govid.sso.factors.models import SignInFactors

SECOND_FACTORS = {"otp", "hwk", "swk"}


def factor_claims(sid: str | None) -> dict[str, Any]:
    """The ``amr`` and ``acr`` claims of the sign-in ``sid`` (a password alone if unknown)."""
    conf = factor_settings()
    row = SignInFactors.objects.filter(sid=sid).first() if sid else None
    amr = list(row.amr) if row is not None else list(steps.PASSWORD_ONLY)
    strong = bool(SECOND_FACTORS & set(amr))
    return {"amr": amr, "acr": conf.acr_second_factor if strong else conf.acr_one_factor}


def acr_values_supported() -> list[str]:
    conf = factor_settings()
    return [conf.acr_one_factor, conf.acr_second_factor]


def step_up(request: HttpRequest, *, client_id: str, acr_values: str) -> HttpResponse | None:
    """Where to send the person before the client gets a code: the code check (or the
    enrolment) when the client needs a second factor this sign-in has not shown."""
    conf = factor_settings()
    wanted = conf.acr_second_factor in acr_values.split() or client_id in conf.clients_requiring
    if not wanted or SECOND_FACTORS & set(steps.amr_of(request)):
        return None
    back_to = request.get_full_path()
    if not has_factor(request.user.get_username()):
        return redirect(steps.enrol_url(back_to))
    return redirect(steps.recheck_url(back_to))
