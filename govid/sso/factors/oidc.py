"""OpenID Connect and second factors: ``amr``/``acr`` in ID tokens, and the step up that a
client's ``acr_values`` (or its configuration) asks for before a code is issued."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from govid.sso.factors.assurance import (
    SECOND_FACTORS,
    assurance_of,
    required_for,
    second_factor_first,
)
from govid.sso.factors.conf import factor_settings

__all__ = ["SECOND_FACTORS", "acr_values_supported", "factor_claims", "step_up"]


def factor_claims(sid: str | None) -> dict[str, Any]:
    """The ``amr`` and ``acr`` claims of the sign-in ``sid`` (a password alone if unknown)."""
    found = assurance_of(sid)
    return {"amr": found.amr, "acr": found.acr}


def acr_values_supported() -> list[str]:
    conf = factor_settings()
    return [conf.acr_one_factor, conf.acr_second_factor]


def step_up(request: HttpRequest, *, client_id: str, acr_values: str) -> HttpResponse | None:
    """Where to send the person before the client gets a code: the code check (or the
    enrolment) when the client needs a second factor this sign-in has not shown."""
    wanted = factor_settings().acr_second_factor in acr_values.split() or required_for(client_id)
    if not wanted:
        return None
    return second_factor_first(request, request.get_full_path())
