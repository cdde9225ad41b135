"""Roles in the back office: the provider's administrators grant and revoke them here (the
command line, `manage.py staff`, does the same). Every change is audited by govid.backoffice.staff.
"""

from __future__ import annotations

from contextlib import suppress

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govid.backoffice.access import Staff
from govid.backoffice.forms import GrantForm
from govid.backoffice.models import Role, RoleGrant
from govid.backoffice.staff import UNIT_KIND, StaffError, grant, revoke
from govid.backoffice.views.common import staff_view
from govid.directory import canonical_login, get_directory


def _form(staff: Staff, data: object = None) -> GrantForm:
    units = [(u.code, f"{u.code} - {u.name}") for u in staff.tree.all() if u.kind != "province"]
    return GrantForm(data, roles=list(Role.choices), units=units)  # type: ignore[arg-type]


def _check(form: GrantForm, staff: Staff) -> str | None:
    """The account's login if the grant can be made, else None with the reason on the form."""
    login = canonical_login(form.cleaned_data["login"])
    if login is None or get_directory().find(login) is None:
        form.add_error("login", _("Không tìm thấy tài khoản này."))
        return None
    role, code = form.cleaned_data["role"], form.cleaned_data["unit"]
    kind = UNIT_KIND.get(Role(role))
    unit = staff.tree.get(code) if code else None
    if kind == "unit" and (unit is None or unit.kind != "unit"):
        form.add_error("unit", _("Vai trò này cần chọn một đơn vị (xã, phường, cơ quan)."))
        return None
    if kind == "district" and (unit is None or unit.kind != "district"):
        form.add_error("unit", _("Vai trò này cần chọn một huyện."))
        return None
    return login


def _page(request: HttpRequest, staff: Staff, form: GrantForm, status: int = 200) -> HttpResponse:
    grants = RoleGrant.objects.order_by("login", "role", "unit_code")
    names = dict(Role.choices)
    rows = [
        {
            "grant": g,
            "role": names.get(g.role, g.role),
            "unit": (staff.tree.get(g.unit_code) if g.unit_code else None),
            "own_admin": g.login == staff.login and g.role == Role.PROVIDER_ADMIN,
        }
        for g in grants
    ]
    return render(request, "backoffice/roles.html", {"rows": rows, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_view(Role.PROVIDER_ADMIN)
def roles(request: HttpRequest, staff: Staff) -> HttpResponse:
    if request.method == "GET":
        return _page(request, staff, _form(staff))
    form = _form(staff, request.POST)
    login = _check(form, staff) if form.is_valid() else None
    if login is not None:
        code = form.cleaned_data["unit"]
        try:
            grant(login, role=form.cleaned_data["role"], units=[code] if code else [],
                  actor=staff.login)  # fmt: skip
        except StaffError:  # the account or unit went away since the check
            form.add_error(None, _("Không cấp được quyền này. Vui lòng kiểm tra lại."))
        else:
            messages.success(request, _("Đã cấp quyền."))
            return redirect("backoffice:roles")
    return _page(request, staff, form, status=400)


@require_POST
@staff_view(Role.PROVIDER_ADMIN)
def revoke_role(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    found = RoleGrant.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    if found.login == staff.login and found.role == Role.PROVIDER_ADMIN:
        # Nobody locks themselves out: another administrator takes this one away.
        messages.error(request, _("Bạn không thể tự thu hồi quyền quản trị của mình."))
        return redirect("backoffice:roles")
    with suppress(StaffError):  # revoked meanwhile by someone else: the list shows it gone
        revoke(found.login, role=found.role, units=[found.unit_code], actor=staff.login)
    messages.success(request, _("Đã thu hồi quyền."))
    return redirect("backoffice:roles")
