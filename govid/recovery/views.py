"""The seed's four steps as pages. Views parse, call one flow function, and render; the words
come from the catalogue (``errors.words``), keyed by the refusals' stable codes."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govid.captcha import api as captcha
from govid.directory.api import canonical_login
from govid.limits.api import (
    answer_in_constant_time,
    budget,
    guard,
    known_device,
    nothing_done,
    remember_device,
)
from govid.recovery import flow
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
    words,
)
from govid.recovery.forms import ForgotPasswordForm, ResetPasswordForm
from govid.web.api import client_ip, render_shared

LOGIN = "recovery.login"
TOKEN = "recovery.token"  # noqa: S105  (a session key, not a secret)
DONE = "recovery.done"

# The phone page's answer when no code was sent, by the refusal's code.
STATUS = {"phone_cooling_off": 403, "daily_limit": 429, "sms_failed": 503}


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
        return _phone_page(request, login)
    except NotRecoverable:
        return _not_found(request)


@never_cache
@require_POST
@answer_in_constant_time  # in privacy mode a stand-in must not answer faster than a real code
@guard("code")
def get_code(request: HttpRequest) -> HttpResponse:
    """Step 3: send the 6-digit code (or go back to the live one of this session)."""
    login = request.session.get(LOGIN)
    if not login:
        return redirect("recovery:forgot")
    token = request.session.get(TOKEN)
    try:
        challenge = flow.get_code(
            login, token=token, ip=client_ip(request), known_device=known_device(request, login)
        )
    except NotRecoverable:
        return _not_found(request)
    except PhoneCoolingOff as refusal:
        return _phone_page(request, login, status=STATUS[refusal.code])
    except (DailyLimitReached, CodeNotSent) as refusal:
        return _phone_page(request, login, words(refusal.code), STATUS[refusal.code])
    if str(challenge.token) != token:
        request.session[TOKEN] = str(challenge.token)
    else:  # no new code: the one sent still works, and the person is told until when
        messages.info(request, still_valid_message(challenge.last_sent_at, challenge.expires_at))
    return redirect("recovery:reset")


@never_cache
@sensitive_post_parameters("password1", "password2", "code")
@require_http_methods(["GET", "POST"])
@guard("check")
def reset(request: HttpRequest) -> HttpResponse:
    """Step 4: the code, the new password twice, "Khôi phục mật khẩu"."""
    try:
        page = flow.reset_page(request.session.get(TOKEN))
    except ChallengeOver as over:
        return _back_to_phone(request, over.code)
    form = ResetPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code, password = form.cleaned_data["code"], form.cleaned_data["password1"]
        try:
            flow.reset_password(page.token, code=code, password=password, ip=client_ip(request))
        except (WrongCode, PasswordRejected) as refusal:
            _show_refusal(form, refusal)
        except ChallengeOver as over:
            return _back_to_phone(request, over.code)
        except NotRecoverable:
            return _not_found(request)
        else:
            return _recovered(request, page.login)
    context = {
        "form": form,
        "wait": page.wait,
        "resends_left": page.resends_left,
        "login": page.login,  # words the strength meter counts as guessable
        "sms": page.sms,
        "sms_text": _sms_text(page),
    }
    return render(request, "recovery/reset.html", context, status=_status(request))


@never_cache
@require_GET
def sms_status(request: HttpRequest) -> JsonResponse:
    """What became of the code SMS, for the reset page's script (which polls while queued)."""
    try:
        page = flow.reset_page(request.session.get(TOKEN))
    except ChallengeOver:
        # The page reloads and the reset view says why (e.g. no gateway took the SMS).
        return JsonResponse({"state": "over", "pending": False, "reload": True})
    sms = page.sms
    text = _sms_text(page)
    return JsonResponse(
        {"state": sms.state, "pending": sms.pending, "failed": sms.failed, "text": text}
    )


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
        nothing_done(request)  # no SMS went out: the address keeps its place
        messages.warning(request, words(early.code, n=early.seconds))
    except (NoMoreResends, DailyLimitReached, CodeNotSent) as refusal:
        nothing_done(request)
        messages.error(request, words(refusal.code))
    except ChallengeOver as over:
        return _back_to_phone(request, over.code)
    except NotRecoverable:
        return _not_found(request)
    else:
        messages.success(request, words("code_resent"))
    return redirect("recovery:reset")


@never_cache
@require_GET
def done(request: HttpRequest) -> HttpResponse:
    """The dialog: "Thành công!", "Thay đổi mật khẩu thành công!", "Đóng"."""
    if not request.session.pop(DONE, False):
        return redirect("sso:login")
    return render_shared(request, "recovery/done.html", {})


# --- rendering ------------------------------------------------------------------------------


def _phone_page(
    request: HttpRequest, login: str, refusal: str = "", status: int = 200
) -> HttpResponse:
    lookup = flow.start_recovery(login)
    context: dict[str, object] = {"lookup": lookup, "refusal": refusal}
    if lookup.cooling_until:
        context["cooling_text"] = cooling_message(lookup.cooling_until)
    return render(request, "recovery/phone.html", context, status=status)


def cooling_message(until: datetime) -> str:
    """Why no code goes to a number that replaced another one lately, and from when it will."""
    local = timezone.localtime(until)
    return words("phone_cooling_off", time=local.strftime("%H:%M"), date=local.strftime("%d/%m/%Y"))


def still_valid_message(sent: datetime, until: datetime) -> str:
    """When the code was sent and until when it works, in Vietnam's time (TIME_ZONE)."""
    return words(
        "code_still_valid",
        sent=timezone.localtime(sent).strftime("%H:%M"),
        until=timezone.localtime(until).strftime("%H:%M"),
    )


def _sms_text(page: flow.ResetPage) -> str:
    """The reset page's first line: where the code SMS is (nothing, in privacy mode)."""
    if page.masked_phone is None:
        return words("sms_withheld")
    sms = page.sms
    if sms.pending:
        code = "sms_retrying" if sms.retrying else "sms_sending"
    else:
        code = "sms_resend_failed" if sms.failed else "sms_sent"
    # Translated text is trusted like template text; only the phone is data.
    return mark_safe(words(code, phone=conditional_escape(page.masked_phone)))  # noqa: S308


def _show_refusal(form: ResetPasswordForm, refusal: WrongCode | PasswordRejected) -> None:
    if isinstance(refusal, WrongCode):
        form.add_error("code", words(refusal.code, n=refusal.attempts_left))
        problems = refusal.password_errors
    else:
        problems = refusal.messages
    for problem in problems:
        form.add_error("password1", problem)


def _recovered(request: HttpRequest, login: str) -> HttpResponse:
    for key in (LOGIN, TOKEN):
        request.session.pop(key, None)
    request.session[DONE] = True
    done = redirect("recovery:done")
    remember_device(request, done, login)
    return done


def _not_found(request: HttpRequest, form: ForgotPasswordForm | None = None) -> HttpResponse:
    for key in (LOGIN, TOKEN):
        request.session.pop(key, None)
    form = form or ForgotPasswordForm(captcha=captcha.wanted(request))
    return render(request, "recovery/forgot.html", {"form": form, "not_found": True})


def _back_to_phone(request: HttpRequest, code: str) -> HttpResponseRedirect:
    request.session.pop(TOKEN, None)
    messages.error(request, words(code))
    return redirect("recovery:phone" if request.session.get(LOGIN) else "recovery:forgot")


def _status(request: HttpRequest) -> int:
    """A form sent back with its errors is a 400; the page itself is a 200."""
    return 400 if request.method == "POST" else 200
