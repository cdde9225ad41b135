"""The demo mailbox's pages. Its own signed cookie holds its state: it shares nothing with
govid's session, like a system on another server."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError
from oauth2_provider.models import Application

from govid.demo import rp
from govid.demo.client import CLIENT_ID

COOKIE = "govid_demo"
SALT = "govid.demo.state"
MAX_AGE = 8 * 3600  # the demo's own session, in seconds


def _base_url(request: HttpRequest) -> str:
    if not Application.objects.filter(client_id=CLIENT_ID).exists():
        raise Http404("the demo relying party is not registered (manage.py demo)")
    return request.build_absolute_uri("/").rstrip("/")


def _state(request: HttpRequest) -> dict[str, Any]:
    try:
        state: dict[str, Any] = signing.loads(
            request.COOKIES.get(COOKIE, ""), salt=SALT, max_age=MAX_AGE
        )
    except signing.BadSignature:
        return {}
    return state


def _keep(response: HttpResponse, state: dict[str, Any]) -> HttpResponse:
    response.set_cookie(
        COOKIE,
        signing.dumps(state, salt=SALT, compress=True),
        max_age=MAX_AGE,
        path="/demo/",
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _callback_url(base: str) -> str:
    return base + reverse("demo:callback")


@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The mailbox: a greeting by name once signed in, else the SSO button."""
    _base_url(request)
    return render(request, "demo/home.html", {"user": _state(request).get("user")})


@never_cache
@require_GET
def sign_in(request: HttpRequest) -> HttpResponse:
    """Off to govid's authorization endpoint, with state, nonce and a PKCE challenge."""
    base = _base_url(request)
    try:
        url, pending = rp.begin(base, _callback_url(base))
    except (requests.RequestException, KeyError, ValueError):  # govid's discovery unreachable
        return _failed(request, _("Không hoàn tất được đăng nhập một lần. Vui lòng thử lại."))
    return _keep(redirect(url), {"pending": asdict(pending)})


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Back from govid: exchange the code, check the ID token, greet the person."""
    base = _base_url(request)
    pending = _state(request).get("pending")
    if not pending:
        return _failed(
            request, _("Phiên đăng nhập của hộp thư đã hết hạn. Vui lòng đăng nhập lại.")
        )
    if request.GET.get("error") == "access_denied":
        return _failed(request, _("Bạn đã không cho phép hộp thư dùng tài khoản của mình."))
    try:
        claims = rp.finish(
            base, _callback_url(base), request.build_absolute_uri(), rp.Pending(**pending)
        )
    except (AuthlibBaseError, JoseError, requests.RequestException, KeyError, ValueError):
        return _failed(request, _("Không hoàn tất được đăng nhập một lần. Vui lòng thử lại."))
    user = {
        "name": claims.get("name", ""),
        "email": claims.get("email", ""),
        "unit": (claims.get("unit") or {}).get("name", ""),
        "id_token": claims["id_token"],
    }
    return _keep(redirect("demo:home"), {"user": user})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Forget the person here, then let govid end its own session and send them back."""
    base = _base_url(request)
    user = _state(request).get("user") or {}
    target = redirect("demo:home")
    if user.get("id_token"):
        home_url = base + reverse("demo:home")
        target = redirect(rp.logout_url(base, id_token=user["id_token"], return_to=home_url))
    target.delete_cookie(COOKIE, path="/demo/")
    return target


def _failed(request: HttpRequest, message: str) -> HttpResponse:
    response = render(request, "demo/home.html", {"user": None, "error": message}, status=400)
    response.delete_cookie(COOKIE, path="/demo/")
    return response
