"""Step 1 (the login page), logout, and the "my account" page."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from govid import clock
from govid.audit.api import record
from govid.directory.api import (
    Account,
    AccountLocked,
    PasswordRefused,
    canonical_login,
    get_directory,
    password_expired,
)
from govid.limits.api import guard, remember_device
from govid.passwords.api import apply_new_password, policy_errors
from govid.phones import mask_phone
from govid.sso import holds, redirects, signins
from govid.sso.account_sessions import sign_ins_of
from govid.sso.clients import client_name_for
from govid.sso.factors import steps as factor_steps
from govid.sso.forms import ChangePasswordForm, LoginForm
from govid.sso.models import User
from govid.sso.notices import events as notices
from govid.sso.portal.tiles import tiles_for
from govid.sso.sessions import start_session
from govid.sso.signout import signed_out
from govid.web.api import client_ip, render_shared


def _typed_login(request: HttpRequest) -> str | None:
    return canonical_login(request.POST.get("username", ""))


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@guard("login", account=_typed_login)
def login_page(request: HttpRequest) -> HttpResponse:
    """The seed's step 1: username, password, "Nhớ mật khẩu", "Quên mật khẩu?"."""
    next_url = redirects.next_url(request)
    context = {"next": next_url, "client_name": client_name_for(next_url)}
    if request.method == "GET":
        if request.user.is_authenticated:
            return redirect(next_url or "sso:account")
        return render_shared(request, "sso/login.html", {"form": LoginForm(), **context})
    form = LoginForm(request.POST)
    status = 400
    if form.is_valid():
        user, status = _attempt_login(request, form)
        if user is not None:
            after = factor_steps.next_step_url(request, next_url)  # the second step, enrolment
            response = redirect(after or next_url or "sso:account")
            remember_device(request, response, user.login)  # its own recovery budget
            if request.user.is_authenticated:  # not only past the password: signed in
                notices.signed_in(request, response, user.login)  # a new device is told
            return response
    expired = status == PASSWORD_EXPIRED
    return render(
        request,
        "sso/login.html",
        {"form": form, "password_expired": expired, **context},
        status=status,
    )


# The answer when the password is right but the directory says it has expired: the page leads
# into recovery (the seed's way to a new password) instead of a dead end.
PASSWORD_EXPIRED = 403


def _attempt_login(request: HttpRequest, form: LoginForm) -> tuple[User | None, int]:
    """Take the attempt's place in the counts (or be held), check the password; log in or
    count the failure (and say why)."""
    typed = form.cleaned_data["username"]
    key = canonical_login(typed) or typed.strip().lower()
    ip = client_ip(request)
    try:
        attempt = holds.begin_attempt(key, ip)
    except holds.Held as held:
        record(
            "login_refused", actor="anonymous", subject=key, ip=ip, reason=f"{held.hold.kind}_held"
        )
        form.add_error(None, _hold_message(held.hold))
        return None, 429
    user = authenticate(request, username=typed, password=form.cleaned_data["password"])
    if not isinstance(user, User):
        record("login_failed", actor="anonymous", subject=key, ip=ip)
        hold = holds.failed(attempt)
        form.add_error(
            None, _hold_message(hold) if hold else _("Tên tài khoản hoặc mật khẩu không đúng.")
        )
        return None, 429 if hold else 400
    holds.succeeded(attempt)  # the password was right, expired or not: no failure counted
    if password_expired(user.login):
        record(
            "login_refused", actor="anonymous", subject=user.login, ip=ip, reason="password_expired"
        )
        form.add_error(
            None,
            _(
                "Mật khẩu của bạn đã hết hạn theo quy định của hệ thống thư điện tử. Vui lòng "
                "đặt mật khẩu mới qua “Quên mật khẩu?” (mã xác nhận gửi về số điện thoại đã "
                "đăng ký) rồi đăng nhập lại."
            ),
        )
        return None, PASSWORD_EXPIRED
    if factor_steps.second_step_needed(user.login):
        # Not logged in yet: the second step logs in (and audits) once the code is right.
        factor_steps.hold_for_second_step(request, user, remember=form.cleaned_data["remember"])
        return user, 302
    login(request, user)  # rotates the session id
    start_session(request.session, remember=form.cleaned_data["remember"])
    signins.begin(request, user.login)
    record("login", actor=user.login, subject=user.login, ip=ip)
    return user, 302


def _hold_message(hold: holds.Hold) -> str:
    """When to try again, in minutes and as a local time of day."""
    minutes = math.ceil(hold.seconds_left(clock.now()) / 60)
    values = {"n": minutes, "time": timezone.localtime(hold.until).strftime("%H:%M")}
    if hold.kind == "ip":
        return (
            ngettext(
                "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn. "
                "Vui lòng thử lại sau %(n)d phút nữa (lúc %(time)s).",
                "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn. "
                "Vui lòng thử lại sau %(n)d phút nữa (lúc %(time)s).",
                minutes,
            )
            % values
        )
    return (
        ngettext(
            "Bạn đã nhập sai mật khẩu nhiều lần nên tài khoản tạm thời không đăng nhập được. "
            "Vui lòng thử lại sau %(n)d phút nữa (lúc %(time)s), "
            "hoặc chọn “Quên mật khẩu?” để đặt lại mật khẩu.",
            "Bạn đã nhập sai mật khẩu nhiều lần nên tài khoản tạm thời không đăng nhập được. "
            "Vui lòng thử lại sau %(n)d phút nữa (lúc %(time)s), "
            "hoặc chọn “Quên mật khẩu?” để đặt lại mật khẩu.",
            minutes,
        )
        % values
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(
            "logout",
            actor=request.user.get_username(),
            subject=request.user.get_username(),
            ip=client_ip(request),
        )
    sign_in = signins.current(request)
    # Every system this sign-in reached is told: back-channel now, front-channel by the page.
    visits = signins.end(sign_in) if sign_in is not None else []
    logout(request)  # deletes the session server-side
    return signed_out(request, visits, reverse("sso:login"))


def _account_of(user: User) -> Account | None:
    return get_directory().find(user.login)


def _signed_in_login(request: HttpRequest) -> str | None:
    return request.user.get_username() if request.user.is_authenticated else None


@never_cache
@login_required
@sensitive_post_parameters("old_password", "password1", "password2")
@require_http_methods(["GET", "POST"])
@guard("login", account=_signed_in_login)
def account_page(request: HttpRequest) -> HttpResponse:
    """My account: name, mailbox, unit, masked phone; change the password with the old one."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required)
    account = _account_of(user)
    if account is None or account.locked:
        logout(request)
        return redirect("sso:login")
    form = ChangePasswordForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            status = _change_password(request, user, account, form)
            if status == 302:
                messages.success(request, _("Thay đổi mật khẩu thành công!"))
                return redirect("sso:account")
    return render(
        request,
        "sso/account.html",
        {
            "account": account,
            "masked_phone": mask_phone(account.phone) if account.phone else None,
            "form": form,
            "sign_ins": sign_ins_of(request),
            "tiles": tiles_for(account),
        },
        status=status,
    )


def _change_password(
    request: HttpRequest, user: User, account: Account, form: ChangePasswordForm
) -> int:
    """The current password is a secret too: checked under the login's holds, failures audited.
    The answer's status: 302 changed, 429 held, 400 refused."""
    directory = get_directory()
    ip = client_ip(request)
    try:
        attempt = holds.begin_attempt(account.login, ip)
    except holds.Held as held:
        record(
            "password_change_refused",
            actor=user.login,
            subject=account.login,
            ip=ip,
            reason=f"{held.hold.kind}_held",
        )
        form.add_error("old_password", _hold_message(held.hold))
        return 429
    if not directory.verify_password(account, form.cleaned_data["old_password"]):
        record("password_change_failed", actor=user.login, subject=account.login, ip=ip)
        hold = holds.failed(attempt)
        form.add_error(
            "old_password", _hold_message(hold) if hold else _("Mật khẩu hiện tại không đúng.")
        )
        return 429 if hold else 400
    holds.succeeded(attempt)
    new = form.cleaned_data["password1"]
    errors = policy_errors(account, new)
    if errors:
        for message in errors:
            form.add_error("password1", message)
        return 400
    try:
        with transaction.atomic():
            apply_new_password(account, new, actor=user.login, action="password_changed", ip=ip)
    except AccountLocked:
        form.add_error(None, _("Tài khoản đang bị khoá, vui lòng liên hệ quản trị!"))
        return 400
    except PasswordRefused as refused:
        for message in refused.messages:
            form.add_error("password1", message)
        return 400
    user.refresh_from_db()
    update_session_auth_hash(request, user)  # this session stays; the others end
    # Its systems were told to sign out with every other sign-in: it goes on as a new one.
    signins.begin(request, user.login)
    return 302
