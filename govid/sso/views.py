"""Step 1 (the login page), logout, and the "my account" page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from govid.audit.log import record
from govid.directory import get_directory
from govid.directory.base import Account, AccountLocked, PasswordRefused
from govid.directory.phones import mask_phone
from govid.passwords.change import apply_new_password, policy_errors
from govid.sso.forms import ChangePasswordForm, LoginForm
from govid.sso.models import User
from govid.web.client import client_ip


def _next_url(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    """The seed's step 1: username, password, "Nhớ mật khẩu", "Quên mật khẩu?"."""
    if request.method == "GET":
        if request.user.is_authenticated:
            return redirect(_next_url(request) or "sso:account")
        return render(request, "sso/login.html", {"form": LoginForm(), "next": _next_url(request)})
    form = LoginForm(request.POST)
    if form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is not None:
            login(request, user)  # rotates the session id
            # Not remembered: the session ends with the browser.
            request.session.set_expiry(None if form.cleaned_data["remember"] else 0)
            record("login", actor=user.login, subject=user.login, ip=client_ip(request))
            return redirect(_next_url(request) or "sso:account")
        form.add_error(None, _("Tên tài khoản hoặc mật khẩu không đúng."))
    return render(request, "sso/login.html", {"form": form, "next": _next_url(request)}, status=400)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(
            "logout",
            actor=request.user.get_username(),
            subject=request.user.get_username(),
            ip=client_ip(request),
        )
    logout(request)  # deletes the session server-side
    return redirect("sso:login")


def _account_of(user: User) -> Account | None:
    return get_directory().find(user.login)


@never_cache
@login_required
@sensitive_post_parameters("old_password", "password1", "password2")
@require_http_methods(["GET", "POST"])
def account_page(request: HttpRequest) -> HttpResponse:
    """My account: name, mailbox, unit, masked phone; change the password with the old one."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required)
    account = _account_of(user)
    if account is None:
        logout(request)
        return redirect("sso:login")
    form = ChangePasswordForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and _change_password(request, user, account, form):
            messages.success(request, _("Thay đổi mật khẩu thành công!"))
            return redirect("sso:account")
    return render(
        request,
        "sso/account.html",
        {
            "account": account,
            "masked_phone": mask_phone(account.phone) if account.phone else None,
            "form": form,
        },
        status=status,
    )


def _change_password(
    request: HttpRequest, user: User, account: Account, form: ChangePasswordForm
) -> bool:
    directory = get_directory()
    if not directory.verify_password(account, form.cleaned_data["old_password"]):
        form.add_error("old_password", _("Mật khẩu hiện tại không đúng."))
        return False
    new = form.cleaned_data["password1"]
    errors = policy_errors(account, new)
    if errors:
        for message in errors:
            form.add_error("password1", message)
        return False
    try:
        with transaction.atomic():
            apply_new_password(
                account, new, actor=user.login, action="password_changed", ip=client_ip(request)
            )
    except AccountLocked:
        form.add_error(None, _("Tài khoản đang bị khoá, vui lòng liên hệ quản trị!"))
        return False
    except PasswordRefused as refused:
        for message in refused.messages:
            form.add_error("password1", message)
        return False
    user.refresh_from_db()
    update_session_auth_hash(request, user)  # this session stays; the others end
    return True
