"""Sensitive actions ask for the second factor again when the last check is too old."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from govid.sso.factors import steps
from govid.sso.factors.conf import factor_settings
from govid.sso.factors.devices import has_factor
from govid.sso.factors.policy import must_enrol_now

View = TypeVar("View", bound=Callable[..., HttpResponse])


def factor_checked_recently(request: HttpRequest, max_age: timedelta | None = None) -> bool:
    """Whether this session's second factor was checked within ``max_age`` (by default
    GOVID_FACTORS_RECENT_CHECK); true for someone who has none and need not have one yet
    (past the grace period the back office and the administration refuse them anyway)."""
    login = request.user.get_username()
    if not has_factor(login):
        return not must_enrol_now(login)
    age = max_age if max_age is not None else factor_settings().recent_check
    return steps.checked_within(request, age.total_seconds())


def _back_to(request: HttpRequest) -> str:
    """Where to come back after the check: this page, or for a form sent, the page it was on."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        path = str(referer.split(request.get_host(), 1)[-1])
        if path.startswith("/"):
            return path
    return request.path


def ask_for_factor_again(request: HttpRequest) -> HttpResponse:
    """Off to confirm the second factor (or to enrol one), then back."""
    back_to = _back_to(request)
    if not has_factor(request.user.get_username()):
        return redirect(steps.enrol_url(back_to))
    messages.info(request, _("Thao tác này cần xác nhận lại bằng mã xác thực."))
    return redirect(steps.recheck_url(back_to))


def require_recent_factor(max_age: timedelta | None = None) -> Callable[[View], View]:
    """On a view that changes something (POST): ask for the second factor again first when the
    last check is older than ``max_age``. The form is then sent again by the person."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                request.method == "POST"
                and request.user.is_authenticated
                and not factor_checked_recently(request, max_age)
            ):
                return ask_for_factor_again(request)
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorate
