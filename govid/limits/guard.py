"""The views' side of the limits: count the client's address, refuse with a page that says when.

``@guard("code")`` on a view counts every POST per client address and network (and per account
when ``account=`` says how to read it from the request) before the view runs, and turns any
``RateLimited`` raised inside the view (the flows count accounts and phones) into the refusal.
A view that ends up doing nothing that costs (a "Gửi lại" within the countdown sends no SMS)
says so with ``nothing_done(request)``, and the guard gives the address its place back: a
click that sends nothing counts nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govid import clock
from govid.limits.conf import limit_settings
from govid.limits.counting import RateLimited, give_back, hit
from govid.web.api import client_ip, error_page

View = Callable[..., HttpResponse]
_COUNTS = "_govid_limit_counts"
_NOTHING_DONE = "_govid_nothing_done"


def nothing_done(request: HttpRequest) -> None:
    """This request cost nothing (no SMS, no check): the guard gives back what it counted."""
    setattr(request, _NOTHING_DONE, True)


def counted(request: HttpRequest, step: str) -> dict[str, int] | None:
    """What the guard counted for this request at ``step`` (by scope), if it counted it."""
    counts: dict[str, dict[str, int]] = getattr(request, _COUNTS, {})
    return counts.get(step)


def guard(
    step: str, *, account: Callable[[HttpRequest], str | None] | None = None
) -> Callable[[View], View]:
    """Rate-limit the view's POSTs at ``step``; answer 429 with Retry-After past a ceiling."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method != "POST":
                    return view(request, *args, **kwargs)
                who = account(request) if account else None
                ip = client_ip(request)
                counts = hit(step, ip=ip, account=who)
                setattr(request, _COUNTS, {**getattr(request, _COUNTS, {}), step: counts})
                response = view(request, *args, **kwargs)
                if getattr(request, _NOTHING_DONE, False):
                    give_back(step, ip=ip, account=who)
                return response
            except RateLimited as limited:
                return refusal(request, limited)

        return wrapped

    return decorate


def refusal(request: HttpRequest, limited: RateLimited) -> HttpResponse:
    """429 in the user's language: why, and when to try again (also as Retry-After)."""
    seconds = limited.seconds_left()
    minutes = math.ceil(seconds / 60)
    at = timezone.localtime(clock.now() + timedelta(seconds=seconds)).strftime("%H:%M")
    when = ngettext(
        "Vui lòng thử lại sau %(n)d phút nữa (lúc %(time)s).",
        "Vui lòng thử lại sau %(n)d phút nữa (lúc %(time)s).",
        minutes,
    ) % {"n": minutes, "time": at}
    response = error_page(request, 429, _("Tạm thời chưa thể tiếp tục"), f"{_why(limited)} {when}")
    response["Retry-After"] = str(seconds)
    return response


def _why(limited: RateLimited) -> str:
    if limited.scope in ("ip", "net"):
        return _("Có quá nhiều yêu cầu từ địa chỉ mạng của bạn.")
    if limited.step == "check":
        return _("Mã xác nhận của tài khoản này đã bị nhập sai quá nhiều lần.")
    if limited.scope == "phone":
        return _("Số điện thoại này đã nhận quá nhiều mã xác nhận.")
    if limited.step == "login":
        return _("Tài khoản này có quá nhiều lần đăng nhập.")
    return _("Tài khoản này có quá nhiều yêu cầu khôi phục mật khẩu.")


def answer_in_constant_time(view: View) -> View:
    """Every POST answers after the same floor (GOVID_LIMITS_LOOKUP_TIME_MS), whatever it found.

    The session is always written too, so that whether an account was found shows neither in
    the time the view takes nor in the session write that follows it.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        started = time.monotonic()
        response = view(request, *args, **kwargs)
        request.session.modified = True
        left = limit_settings().lookup_time_ms / 1000 - (time.monotonic() - started)
        if left > 0:
            time.sleep(left)
        return response

    return wrapped
