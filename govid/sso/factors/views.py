"""The second step of a login, the security page (enrol, recovery codes, remove), re-checks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from govid.audit.api import record
from govid.limits.api import guard, remember_device
from govid.sso import holds, redirects
from govid.sso.factors import devices, keys, steps, totp
from govid.sso.factors.forms import CodeForm, EnrolForm
from govid.sso.factors.policy import grace_ends, lacks_required_factor, must_enrol_now
from govid.sso.factors.recent import ask_for_factor_again, factor_checked_recently
from govid.sso.notices import events as notices
from govid.web.api import client_ip


def _check(login: str, code: str) -> str | None:
    """ "otp" for a current app code, "rc" for an unused recovery code, None otherwise."""
    if totp.verify_code(login, code):
        return "otp"
    if totp.use_recovery_code(login, code):
        return "rc"
    return None


def _pending_login(request: HttpRequest) -> str | None:
    pending = steps.pending_login(request)
    return str(pending["login"]) if pending else None


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@guard("login", account=_pending_login)
def second_step(request: HttpRequest) -> HttpResponse:
    """After the right password: a code from the app (or a recovery code)."""
    next_url = redirects.next_url(request)
    pending = steps.pending_login(request)
    if pending is None:
        if request.user.is_authenticated:
            return redirect(next_url or "sso:account")
        messages.info(request, _("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."))
        return redirect("sso:login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "next": next_url, "has_keys": devices.has_keys(pending["login"])}
    if request.method == "GET":
        return render(request, "sso/factors/second_step.html", context)
    status = 400
    login, ip = str(pending["login"]), client_ip(request)
    if form.is_valid():
        try:
            attempt = holds.begin_attempt(login, ip)
        except holds.Held:
            steps.drop_pending(request)
            record("login_refused", actor="anonymous", subject=login, ip=ip, reason="held")
            messages.error(request, _("Bạn đã nhập sai nhiều lần. Vui lòng đăng nhập lại sau."))
            return redirect("sso:login")
        method = _check(login, form.cleaned_data["code"])
        if method is None:
            record("factor_failed", actor="anonymous", subject=login, ip=ip)
            holds.failed(attempt)
            form.add_error("code", _("Mã xác thực không đúng hoặc đã được dùng."))
        else:
            holds.succeeded(attempt)
            if method == "rc":
                record("factor_recovery_code_used", actor=login, subject=login, ip=ip)
            user = steps.complete_login(request, pending)
            if user is None:
                return redirect("sso:login")
            response = redirect(next_url or "sso:account")
            remember_device(request, response, user.login)
            notices.signed_in(request, response, user.login)  # a new device is told
            return response
    return render(request, "sso/factors/second_step.html", context, status=status)


@never_cache
@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def security_page(request: HttpRequest) -> HttpResponse:
    """The person's second factors: an authenticator app, security keys and passkeys, the
    recovery codes; enrol, see what is left, remove."""
    login = request.user.get_username()
    step = request.POST.get("action", "confirm") if request.method == "POST" else "show"
    if step in ("remove", "codes"):
        if not factor_checked_recently(request):
            return ask_for_factor_again(request)
        if step == "codes" and devices.has_factor(login):
            fresh = totp.new_recovery_codes(login, ip=client_ip(request))
            return render(request, "sso/factors/recovery_codes.html", {"codes": fresh})
        if step == "remove":
            totp.remove_totp(login, actor=login, ip=client_ip(request))
            messages.success(request, _("Đã gỡ ứng dụng xác thực."))
        return redirect("sso:factors")
    form = EnrolForm(request.POST if step == "confirm" else None)
    if step == "confirm" and not devices.has_totp(login) and form.is_valid():
        codes = totp.confirm_enrolment(login, form.cleaned_data["code"], ip=client_ip(request))
        if codes is not None:
            steps.mark_checked(request, [*steps.PASSWORD_ONLY, "otp"])
            context = {"codes": codes, "next": redirects.next_url(request)}
            return render(request, "sso/factors/recovery_codes.html", context)
        form.add_error("code", _("Mã không đúng. Vui lòng nhập mã đang hiện trong ứng dụng."))
    context = _security_context(request, login, form)
    status = 200 if step == "show" else 400
    return render(request, "sso/factors/security.html", context, status=status)


def _security_context(request: HttpRequest, login: str, form: EnrolForm) -> dict[str, Any]:
    required = lacks_required_factor(login)
    context: dict[str, Any] = {
        "form": form,
        "next": redirects.next_url(request),
        "has_totp": devices.has_totp(login),
        "keys": keys.keys_of(login),
        "has_factor": devices.has_factor(login),
        "codes_left": totp.recovery_codes_left(login),
        "required": required,
        "overdue": required and must_enrol_now(login),
        "grace_ends": grace_ends(login) if required else None,
    }
    if not context["has_totp"]:
        secret = totp.pending_secret(login) or totp.start_enrolment(login)
        context["qr"] = totp.qr_svg(totp.provisioning_uri(login, secret))
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return context


@never_cache
@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@guard("login", account=lambda request: request.user.get_username())
def recheck(request: HttpRequest) -> HttpResponse:
    """Confirm the second factor again before a sensitive action."""
    login = request.user.get_username()
    next_url = redirects.next_url(request)
    if not devices.has_factor(login):
        return redirect(steps.enrol_url(next_url))
    form = CodeForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "next": next_url, "has_keys": devices.has_keys(login)}
    if request.method == "GET":
        return render(request, "sso/factors/recheck.html", context)
    status, ip = 400, client_ip(request)
    if form.is_valid():
        try:
            attempt = holds.begin_attempt(login, ip)
        except holds.Held:
            form.add_error("code", _("Bạn đã nhập sai nhiều lần. Vui lòng thử lại sau."))
            return render(request, "sso/factors/recheck.html", context, status=429)
        if _check(login, form.cleaned_data["code"]) is not None:
            holds.succeeded(attempt)
            steps.mark_checked(request, [*steps.PASSWORD_ONLY, "otp"])
            record("factor_checked", actor=login, subject=login, ip=ip)
            return redirect(next_url or "sso:account")
        record("factor_failed", actor=login, subject=login, ip=ip)
        holds.failed(attempt)
        form.add_error("code", _("Mã xác thực không đúng hoặc đã được dùng."))
    return render(request, "sso/factors/recheck.html", context, status=status)
