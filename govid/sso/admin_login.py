"""The admin signs in through the one login page of the portal, not a second form."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from govid.directory.api import account_active
from govid.sso.factors.policy import must_enrol_now
from govid.sso.factors.steps import enrol_url


def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    if request.user.is_authenticated:
        if request.user.is_staff and must_enrol_now(request.user.get_username()):
            # Staff without the second factor the administration needs: enrol it first.
            return redirect(enrol_url(request.GET.get("next") or reverse("admin:index")))
        # Signed in but not staff: going back to the login page would loop.
        raise PermissionDenied
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('sso:login')}?{urlencode({'next': target})}")


def has_permission(request: HttpRequest) -> bool:
    """Django's rule (active and staff), and the directory's on every request: a locked or
    removed account loses the administration at once, whatever its session says."""
    user = request.user
    return (
        bool(user.is_active and user.is_staff)
        and account_active(user.get_username())
        and not must_enrol_now(user.get_username())
    )


def install() -> None:
    admin.site.login = admin_login  # type: ignore[method-assign]
    admin.site.has_permission = has_permission  # type: ignore[method-assign]
    # In the portal's words and colours: templates/admin/base_site.html adds the province's
    # name and emblem (GOVID_BRAND_*), the language switch and static/sso/admin.css.
    admin.site.site_header = _("Trang quản trị")
    admin.site.site_title = _("Quản trị")
    admin.site.index_title = _("Quản trị hệ thống")
