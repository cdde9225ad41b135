"""The WebAuthn ceremonies' endpoints: JSON in and out, called by static/sso/factors.js."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from govid.audit.api import record
from govid.limits.api import guard, remember_device
from govid.sso import holds, redirects
from govid.sso.factors import keys, steps
from govid.sso.factors.recent import ask_for_factor_again, factor_checked_recently
from govid.sso.models import User
from govid.sso.notices import events as notices
from govid.web.api import client_ip


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _json_of(request: HttpRequest) -> dict[str, Any] | None:
    """The ceremony's JSON object, or None (a form or an upload sent here instead: its body was
    already read as form data, and is not JSON anyway)."""
    if request.content_type != "application/json":
        return None
    try:
        return keys.parse_body(request.body)
    except RawPostDataException:
        return None


def _who(request: HttpRequest) -> str | None:
    """The pending login of the second step, else the signed-in person (a re-check)."""
    pending = steps.pending_login(request)
    if pending is not None:
        return str(pending["login"])
    return request.user.get_username() if request.user.is_authenticated else None


@never_cache
@login_required
@require_POST
def register_options(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required)
    options = keys.registration_options(request, user.login, display_name=user.name)
    return HttpResponse(options, content_type="application/json")


@never_cache
@login_required
@require_POST
def register(request: HttpRequest) -> HttpResponse:
    login = request.user.get_username()
    data = _json_of(request)
    credential = data.get("credential") if data else None
    if not isinstance(credential, dict):
        return _refused(_("Dữ liệu gửi lên không hợp lệ. Vui lòng thử lại."))
    name = str(data.get("name") or "").strip() if data else ""
    key = keys.register_key(
        request, login, credential, name=name or _("Khoá bảo mật"), ip=client_ip(request)
    )
    if key is None:
        return _refused(_("Không đăng ký được khoá bảo mật. Vui lòng thử lại."))
    steps.mark_checked(request, [*steps.PASSWORD_ONLY, "hwk"])
    return JsonResponse({"redirect": redirects.next_url(request) or reverse("sso:factors")})


@never_cache
@require_POST
@guard("login", account=_who)
def sign_options(request: HttpRequest) -> HttpResponse:
    login = _who(request)
    if login is None:
        return _refused(_("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), 403)
    return HttpResponse(
        keys.authentication_options(request, login), content_type="application/json"
    )


@never_cache
@require_POST
@guard("login", account=_who)
def sign(request: HttpRequest) -> HttpResponse:
    """A signature from one of the person's keys: the second step, or a re-check."""
    pending = steps.pending_login(request)
    login = _who(request)
    data = _json_of(request)
    credential = data.get("credential") if data else None
    if login is None:
        return _refused(_("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), 403)
    if not isinstance(credential, dict):
        return _refused(_("Dữ liệu gửi lên không hợp lệ. Vui lòng thử lại."))
    ip = client_ip(request)
    try:
        attempt = holds.begin_attempt(login, ip)
    except holds.Held:
        return _refused(_("Bạn đã nhập sai nhiều lần. Vui lòng thử lại sau."), 429)
    if not keys.verify_key(request, login, credential):
        record("factor_failed", actor="anonymous" if pending else login, subject=login, ip=ip)
        holds.failed(attempt)
        return _refused(_("Khoá bảo mật không được chấp nhận. Vui lòng thử lại."))
    holds.succeeded(attempt)
    next_url = redirects.next_url(request) or reverse("sso:account")
    if pending is None:  # a re-check before a sensitive action
        steps.mark_checked(request, [*steps.PASSWORD_ONLY, "hwk"])
        record("factor_checked", actor=login, subject=login, ip=ip)
        return JsonResponse({"redirect": next_url})
    user = steps.complete_login(request, pending, factor="hwk")
    if user is None:
        return _refused(_("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), 403)
    response = JsonResponse({"redirect": next_url})
    remember_device(request, response, user.login)
    notices.signed_in(request, response, user.login)  # a new device is told
    return response


@never_cache
@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not factor_checked_recently(request):
        return ask_for_factor_again(request)
    keys.remove_key(request.user.get_username(), pk, actor=request.user.get_username(),
                    ip=client_ip(request))  # fmt: skip
    return redirect("sso:factors")
