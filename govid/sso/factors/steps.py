"""The second step of a login, kept in the session: pending, completed, checked again.

After the right password, a person with a second factor is not logged in yet: the session
holds ``PENDING`` (login, "Nhớ mật khẩu", when) for ``pending_ttl``. The second step then does
what a password-only login does (login, session timeouts, the sign-in record, the audit row),
and notes when the factor was last checked and how (``amr``, for relying parties).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from govid import clock
from govid.audit.api import record
from govid.sso import signins
from govid.sso.factors.conf import factor_settings
from govid.sso.factors.devices import has_factor
from govid.sso.factors.models import SignInFactors
from govid.sso.factors.policy import grace_ends, lacks_required_factor, must_enrol_now
from govid.sso.models import User
from govid.sso.sessions import start_session
from govid.web.api import client_ip

PENDING = "sso.factor.pending"
CHECKED = "sso.factor.checked"  # epoch seconds of the last second-factor check
AMR = "sso.amr"  # RFC 8176 methods of this session's login
PASSWORD_ONLY = ["pwd"]


def second_step_needed(login: str) -> bool:
    return has_factor(login)


def hold_for_second_step(request: HttpRequest, user: User, *, remember: bool) -> None:
    """The password was right: wait for the second factor before logging in."""
    request.session[PENDING] = {
        "login": user.login,
        "remember": remember,
        "at": clock.now().timestamp(),
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
    }
    record("login_password_ok", actor=user.login, subject=user.login, ip=client_ip(request))


def pending_login(request: HttpRequest) -> dict[str, Any] | None:
    """The login waiting for its second step, if it has not expired."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    age = clock.now().timestamp() - float(pending.get("at", 0))
    if age > factor_settings().pending_ttl.total_seconds():
        del request.session[PENDING]
        return None
    return pending


def drop_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def complete_login(
    request: HttpRequest, pending: dict[str, Any], *, factor: str = "otp"
) -> User | None:
    """Log in the pending person after their second factor: ``factor`` in RFC 8176's words,
    "otp" for an app code or a recovery code, "hwk" for a security key or passkey."""
    user = User.objects.by("login", pending["login"])
    if user is None or not user.is_active:
        drop_pending(request)
        return None
    drop_pending(request)
    login(request, user, backend=pending["backend"])  # rotates the session id
    start_session(request.session, remember=bool(pending["remember"]))
    signins.begin(request, user.login)
    amr = [*PASSWORD_ONLY, factor]
    mark_checked(request, amr)
    record("login", actor=user.login, subject=user.login, ip=client_ip(request), amr=amr)
    return user


def mark_checked(request: HttpRequest, amr: list[str]) -> None:
    """The second factor was just checked: the session and its sign-in (for ID tokens)."""
    now = clock.now()
    request.session[CHECKED] = now.timestamp()
    request.session[AMR] = amr
    sid = signins.current_sid(request)
    if sid:
        SignInFactors.objects.update_or_create(sid=sid, defaults={"amr": amr, "checked_at": now})


def amr_of(request: HttpRequest) -> list[str]:
    """How this session's person proved who they are (RFC 8176 values)."""
    amr = request.session.get(AMR)
    return list(amr) if isinstance(amr, list) else list(PASSWORD_ONLY)


def checked_within(request: HttpRequest, seconds: float) -> bool:
    checked = request.session.get(CHECKED)
    return checked is not None and clock.now().timestamp() - float(checked) <= seconds


def second_step_url(next_url: str | None) -> str:
    url = reverse("sso:second_step")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def recheck_url(next_url: str) -> str:
    return f"{reverse('sso:factor_recheck')}?{urlencode({'next': next_url})}"


def enrol_url(next_url: str | None) -> str:
    url = reverse("sso:factors")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def next_step_url(request: HttpRequest, next_url: str | None) -> str | None:
    """Right after the password: the second step, or the enrolment that must come first.

    Someone who must have a factor and has none is reminded during the grace period, and sent
    to enrol once it is over."""
    if pending_login(request) is not None:
        return second_step_url(next_url)
    user = request.user
    login = user.get_username() if user.is_authenticated else ""
    if login and lacks_required_factor(login, is_staff=bool(getattr(user, "is_staff", False))):
        if must_enrol_now(login):
            return enrol_url(next_url)
        messages.warning(
            request,
            _("Tài khoản của bạn cần bật xác thực hai bước trước ngày %(date)s.")
            % {"date": timezone.localtime(grace_ends(login)).strftime("%d/%m/%Y")},
        )
    return None
