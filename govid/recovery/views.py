"""The seed's four steps as pages. Views parse, call one flow function, and render."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govid import clock
from govid.captcha import pow as captcha
from govid.directory import canonical_login
from govid.directory.phones import mask_phone
from govid.limits.devices import budget, known_device, remember_device
from govid.limits.guard import answer_in_constant_time, guard
from govid.recovery import flow, privacy
from govid.recovery.errors import (
    ChallengeOver,
    CodeNotSent,
    DailyLimitReached,
    NoMoreResends,
    NotRecoverable,
    PasswordRejected,
    PhoneCoolingOff,
    ResendTooEarly,
    WrongCode,
)
from govid.recovery.forms import ForgotPasswordForm, ResetPasswordForm
from govid.recovery.models import Challenge
from govid.recovery.sms import CodeSms, code_sms
from govid.web.client import client_ip
from govid.web.pages import render_shared

LOGIN = "recovery.login"
TOKEN = "recovery.token"  # noqa: S105  (a session key, not a secret)
DONE = "recovery.done"


def _over_message(code: str) -> str:
    return {
        "code_expired": _("Mã xác nhận đã hết hạn. Vui lòng lấy mã xác nhận mới."),
        "too_many_attempts": _(
            "Bạn đã nhập sai mã xác nhận quá số lần cho phép. Vui lòng lấy mã xác nhận mới."
        ),
        "challenge_used": _("Mã xác nhận này đã được sử dụng. Vui lòng lấy mã xác nhận mới."),
        "code_not_sent": refusal_message("sms_failed"),
    }.get(code, _("Vui lòng nhập lại Email công vụ để lấy mã xác nhận."))


def _not_found(request: HttpRequest, form: ForgotPasswordForm | None = None) -> HttpResponse:
    for key in (LOGIN, TOKEN):
        request.session.pop(key, None)
    form = form or ForgotPasswordForm(captcha=captcha.wanted(request))
    return render(request, "recovery/forgot.html", {"form": form, "not_found": True})


def _typed_login(request: HttpRequest) -> str | None:
    """The account's lookup budget: a known device's apart from strangers'."""
    login = canonical_login(request.POST.get("email", ""))
    return budget(login, known=known_device(request, login))


@never_cache
@require_http_methods(["GET", "POST"])
@answer_in_constant_time
@guard("lookup", account=_typed_login)
def forgot(request: HttpRequest) -> HttpResponse:
    """Step 2: the official e-mail, then "Tiếp tục"."""
    if request.method == "GET":
        form = ForgotPasswordForm(captcha=captcha.wanted(request))
        return render(request, "recovery/forgot.html", {"form": form})
    form = ForgotPasswordForm(request.POST, captcha=captcha.wanted(request))
    if not form.is_valid():
        return render(request, "recovery/forgot.html", {"form": form}, status=400)
    try:
        lookup = flow.start_recovery(form.cleaned_data["email"])
    except NotRecoverable:
        return _not_found(request, form)
    if request.session.get(LOGIN) != lookup.login:
        request.session.pop(TOKEN, None)
    request.session[LOGIN] = lookup.login
    return redirect("recovery:phone")


@never_cache
@require_GET
def phone(request: HttpRequest) -> HttpResponse:
    """Step 2, found: the masked phone, the two warnings, "Lấy mã xác nhận"."""
    login = request.session.get(LOGIN)
    if not login:
        return redirect("recovery:forgot")
    try:
        lookup = flow.start_recovery(login)
    except NotRecoverable:
        return _not_found(request)
    return _phone_page(request, lookup)


def _phone_page(
    request: HttpRequest, lookup: flow.Lookup, refusal: str = "", status: int = 200
) -> HttpResponse:
    context = {"lookup": lookup, "refusal": refusal}
    if lookup.cooling_until:
        context["cooling_text"] = cooling_message(lookup.cooling_until)
    return render(request, "recovery/phone.html", context, status=status)


def cooling_message(until: datetime) -> str:
    """Why no code goes to a number that replaced another one lately, and from when it will."""
    local = timezone.localtime(until)
    return _(
        "Số điện thoại của tài khoản vừa được thay đổi. Để bảo vệ tài khoản, mã xác nhận chỉ "
        "được gửi tới số mới từ %(time)s ngày %(date)s. Nếu bạn không yêu cầu thay đổi này, "
        "hoặc cần khôi phục mật khẩu gấp, vui lòng liên hệ quản trị."
    ) % {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")}


@never_cache
@require_POST
@answer_in_constant_time  # in privacy mode a stand-in must not answer faster than a real code
@guard("code")
def get_code(request: HttpRequest) -> HttpResponse:
    """Step 3: send the 6-digit code (or go back to the live one of this session)."""
    login = request.session.get(LOGIN)
    if not login:
        return redirect("recovery:forgot")
    try:
        live = flow.live_challenge(request.session.get(TOKEN))
        if live.login == login:
            return redirect("recovery:reset")
    except ChallengeOver:
        pass
    try:
        challenge = flow.send_code(
            login, ip=client_ip(request), known_device=known_device(request, login)
        )
    except NotRecoverable:
        return _not_found(request)
    except PhoneCoolingOff:
        return _phone_page(request, flow.start_recovery(login), status=403)
    except (DailyLimitReached, CodeNotSent) as refusal:
        lookup = flow.start_recovery(login)
        status = 429 if isinstance(refusal, DailyLimitReached) else 503
        return _phone_page(request, lookup, refusal_message(refusal.code), status)
    request.session[TOKEN] = str(challenge.token)
    return redirect("recovery:reset")


@never_cache
@sensitive_post_parameters("password1", "password2", "code")
@require_http_methods(["GET", "POST"])
@guard("check")
def reset(request: HttpRequest) -> HttpResponse:
    """Step 4: the code, the new password twice, "Khôi phục mật khẩu"."""
    try:
        challenge = flow.live_challenge(request.session.get(TOKEN))
    except ChallengeOver as over:
        return _back_to_phone(request, over.code)
    form = ResetPasswordForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                flow.reset_password(
                    str(challenge.token),
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["password1"],
                    ip=client_ip(request),
                )
            except WrongCode as wrong:
                form.add_error(
                    "code",
                    ngettext(
                        "Mã xác nhận không đúng. Bạn còn %(n)d lần thử.",
                        "Mã xác nhận không đúng. Bạn còn %(n)d lần thử.",
                        wrong.attempts_left,
                    )
                    % {"n": wrong.attempts_left},
                )
                for message in wrong.password_errors:
                    form.add_error("password1", message)
            except PasswordRejected as rejected:
                for message in rejected.messages:
                    form.add_error("password1", message)
            except ChallengeOver as over:
                return _back_to_phone(request, over.code)
            except NotRecoverable:
                return _not_found(request)
            else:
                for key in (LOGIN, TOKEN):
                    request.session.pop(key, None)
                request.session[DONE] = True
                done = redirect("recovery:done")
                remember_device(request, done, challenge.login)
                return done
    return render(
        request,
        "recovery/reset.html",
        {
            "form": form,
            "wait": challenge.seconds_until_resend(clock.now()),
            "resends_left": challenge.resends_left,
            "login": challenge.login,  # words the strength meter counts as guessable
            **_sms_shown(challenge),
        },
        status=status,
    )


@never_cache
@require_GET
def sms_status(request: HttpRequest) -> JsonResponse:
    """What became of the code SMS, for the reset page's script (which polls while queued)."""
    try:
        challenge = flow.live_challenge(request.session.get(TOKEN))
    except ChallengeOver:
        # The page reloads and the reset view says why (e.g. no gateway took the SMS).
        return JsonResponse({"state": "over", "pending": False, "reload": True})
    shown = _sms_shown(challenge)
    sms = shown["sms"]
    return JsonResponse(
        {
            "state": sms.state,
            "pending": sms.pending,
            "failed": sms.failed,
            "text": shown["sms_text"],
        }
    )


def _sms_shown(challenge: Challenge) -> dict[str, Any]:
    """The reset page's first line and the SMS state it follows (nothing in privacy mode)."""
    sms = privacy.shown_sms(challenge, code_sms(challenge))
    if privacy.privacy_on():
        return {"sms": sms, "sms_text": privacy.sms_line()}
    # Translated text is trusted like template text; only the phone is data.
    text = sms_status_text(sms, conditional_escape(mask_phone(challenge.phone)))
    return {"sms": sms, "sms_text": mark_safe(text)}  # noqa: S308


def sms_status_text(sms: CodeSms, masked_phone: str) -> str:
    """The first line of the reset page: where the code SMS is."""
    if sms.pending and sms.retrying:
        return _(
            "Chưa gửi được tin nhắn tới số điện thoại '%(phone)s', hệ thống đang thử gửi lại..."
        ) % {"phone": masked_phone}
    if sms.pending:
        return _("Đang gửi mã xác nhận tới số điện thoại '%(phone)s'...") % {"phone": masked_phone}
    if sms.failed:  # a resend that no gateway took; the code sent before still works
        return _("Không gửi lại được mã xác nhận. Vui lòng thử lại sau ít phút.")
    return _("Mã xác nhận đã được gửi tới số điện thoại '%(phone)s'") % {"phone": masked_phone}


@never_cache
@require_POST
@answer_in_constant_time
@guard("code")
def resend(request: HttpRequest) -> HttpResponse:
    """ "Gửi lại": the same code again once the countdown reaches zero (enforced here too);
    after the code expired, a new challenge, which this session then follows."""
    try:
        challenge = flow.resend_code(request.session.get(TOKEN), ip=client_ip(request))
        request.session[TOKEN] = str(challenge.token)
    except PhoneCoolingOff:
        return redirect("recovery:phone")
    except ResendTooEarly as early:
        messages.warning(
            request,
            ngettext(
                "Vui lòng đợi %(n)d giây nữa để gửi lại mã xác nhận.",
                "Vui lòng đợi %(n)d giây nữa để gửi lại mã xác nhận.",
                early.seconds,
            )
            % {"n": early.seconds},
        )
    except NoMoreResends:
        messages.error(
            request,
            _("Bạn đã gửi lại mã quá số lần cho phép. Vui lòng dùng mã đã nhận hoặc thử lại sau."),
        )
    except (DailyLimitReached, CodeNotSent) as refusal:
        messages.error(request, refusal_message(refusal.code))
    except ChallengeOver as over:
        return _back_to_phone(request, over.code)
    except NotRecoverable:
        return _not_found(request)
    else:
        messages.success(request, _("Đã gửi lại mã xác nhận."))
    return redirect("recovery:reset")


@never_cache
@require_GET
def done(request: HttpRequest) -> HttpResponse:
    """The dialog: "Thành công!", "Thay đổi mật khẩu thành công!", "Đóng"."""
    if not request.session.pop(DONE, False):
        return redirect("sso:login")
    return render_shared(request, "recovery/done.html", {})


def refusal_message(code: str) -> str:
    if code == "daily_limit":
        return _(
            "Tài khoản đã nhận đủ số mã xác nhận cho phép trong 24 giờ. "
            "Vui lòng thử lại sau hoặc liên hệ quản trị."
        )
    return _("Không gửi được tin nhắn chứa mã xác nhận. Vui lòng thử lại sau ít phút.")


def _back_to_phone(request: HttpRequest, code: str) -> HttpResponseRedirect:
    request.session.pop(TOKEN, None)
    messages.error(request, _over_message(code))
    return redirect("recovery:phone" if request.session.get(LOGIN) else "recovery:forgot")
