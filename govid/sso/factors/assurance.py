"""How strongly a sign-in proved who it is, in each protocol's words, and the second step a
system that needs more gets first.

One decision for OIDC (``amr``/``acr``), SAML (the AuthnContextClassRef) and CAS (attributes):
a sign-in is strong once it showed a second factor (RFC 8176 ``otp``, ``hwk``, ``swk``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from govid.sso.factors import steps
from govid.sso.factors.conf import factor_settings
from govid.sso.factors.devices import has_factor
from govid.sso.factors.models import SignInFactors

SECOND_FACTORS = frozenset({"otp", "hwk", "swk"})


@dataclass(frozen=True)
class Assurance:
    amr: list[str]  # RFC 8176 methods: ["pwd"], ["pwd", "otp"], ...
    acr: str  # govid's acr value (OIDC), one of the two configured

    @property
    def second_factor(self) -> bool:
        return bool(SECOND_FACTORS & set(self.amr))


def assurance_of(sid: str | None) -> Assurance:
    """How the sign-in ``sid`` proved who it is (a password alone if unknown): read from the
    database, so that every instance and every protocol agree."""
    conf = factor_settings()
    row = SignInFactors.objects.filter(sid=sid).first() if sid else None
    amr = list(row.amr) if row is not None else list(steps.PASSWORD_ONLY)
    strong = bool(SECOND_FACTORS & set(amr))
    return Assurance(amr=amr, acr=conf.acr_second_factor if strong else conf.acr_one_factor)


def required_for(party: str) -> bool:
    """Whether the configuration makes ``party`` (an OIDC client id, a SAML SP's entity id, a
    CAS service's name) always need a second factor (GOVID_FACTORS_CLIENTS_REQUIRING)."""
    return bool(party) and party in factor_settings().clients_requiring


def second_factor_first(request: HttpRequest, back_to: str) -> HttpResponse | None:
    """The code check (or the enrolment, for someone with no factor yet) before going on to
    ``back_to``; None when this session already showed a second factor."""
    if SECOND_FACTORS & set(steps.amr_of(request)):
        return None
    if not has_factor(request.user.get_username()):
        return redirect(steps.enrol_url(back_to))
    return redirect(steps.recheck_url(back_to))
