"""The account page's sign-ins: where the person is signed in, the systems each sign-in
reached, and ending one of them or all the others."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govid.audit.api import record
from govid.sso import signins
from govid.sso.devices import describe_agent
from govid.sso.models import Visit
from govid.sso.signout import signed_out
from govid.web.api import client_ip


@dataclass(frozen=True)
class SignInRow:
    sid: str
    device: str
    ip: str
    started_at: datetime
    current: bool
    systems: list[str]
    # Systems that "Đăng xuất" from another device cannot reach (front-channel logout alone).
    browser_only: list[str]


def _names(visits: Iterable[Visit]) -> list[str]:
    return sorted({visit.party_name or visit.party for visit in visits})


def sign_ins_of(request: HttpRequest) -> list[SignInRow]:
    """The person's live sign-ins for the account page, this browser's first."""
    here = signins.current_sid(request)
    rows = [
        SignInRow(
            sid=sign_in.sid,
            device=describe_agent(sign_in.user_agent),
            ip=sign_in.ip or "",
            started_at=sign_in.started_at,
            current=sign_in.sid == here,
            systems=_names(sign_in.visits.all()),
            browser_only=_names(signins.browser_only(sign_in.visits.all())),
        )
        for sign_in in signins.live_of(request.user.get_username())
    ]
    return sorted(rows, key=lambda row: not row.current)


@login_required
@require_POST
def end_sign_in(request: HttpRequest, sid: str) -> HttpResponse:
    """ "Đăng xuất" beside one sign-in: it ends in govid and in every system it reached."""
    login = request.user.get_username()
    sign_in = signins.find(sid)
    if sign_in is None or sign_in.login != login or sign_in.ended_at is not None:
        raise Http404  # someone else's sign-in is as unknown as a made-up one
    current = sign_in.sid == signins.current_sid(request)
    with transaction.atomic():
        visits = signins.end(sign_in)
        record("sign_in_ended", actor=login, subject=login, ip=client_ip(request), sid=sid)
    if current:
        logout(request)
        return signed_out(request, visits, reverse("sso:login"))
    messages.success(request, _("Đã đăng xuất phiên đăng nhập đó."))
    _warn_browser_only(request, visits)
    return redirect("sso:account")


def _warn_browser_only(request: HttpRequest, visits: list[Visit]) -> None:
    """Say which systems were not told: only the browser that entered them can sign out."""
    names = _names(signins.browser_only(visits))
    if names:
        messages.warning(
            request,
            _("Chưa đăng xuất được khỏi %(systems)s: hãy đăng xuất trên chính thiết bị đó.")
            % {"systems": ", ".join(names)},
        )


@login_required
@require_POST
def end_other_sign_ins(request: HttpRequest) -> HttpResponse:
    """ "Đăng xuất khỏi các thiết bị khác": every sign-in of the person but this one."""
    login = request.user.get_username()
    here = signins.current_sid(request)
    others = [sign_in for sign_in in signins.live_of(login) if sign_in.sid != here]
    visits: list[Visit] = []
    with transaction.atomic():
        for sign_in in others:
            visits.extend(signins.end(sign_in))
        record(
            "other_sign_ins_ended",
            actor=login,
            subject=login,
            ip=client_ip(request),
            count=len(others),
        )
    messages.success(request, _("Đã đăng xuất khỏi các thiết bị khác."))
    _warn_browser_only(request, visits)
    return redirect("sso:account")
