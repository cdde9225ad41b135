"""Roles in the back office: the provider's administrators grant and revoke them here, within
the units their own administration reaches (the command line, `manage.py staff`, does the
same). Every change and every refusal is audited by govid.backoffice.staff.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govid.backoffice.access import Staff
from govid.backoffice.forms import GrantForm
from govid.backoffice.models import Role, RoleGrant
from govid.backoffice.staff import UNIT_KIND, StaffError, grant, reaches, revoke
from govid.backoffice.views.common import staff_view
from govid.directory.api import canonical_login, get_directory
from govid.sso.api import require_recent_factor


def refusal_message(code: str) -> str:
    """A StaffError's code in the user's language."""
    return {
        "outside_scope": _("Đơn vị này nằm ngoài phạm vi quản trị của bạn."),
        "wider_than_own": _(
            "Chỉ quản trị viên toàn tỉnh mới cấp hoặc thu hồi quyền trên toàn tỉnh."
        ),
        "own_admin": _("Bạn không thể tự thu hồi quyền quản trị của mình."),
        "last_admin": _(
            "Đây là quản trị viên toàn tỉnh cuối cùng: hãy cấp quyền này cho người khác trước."
        ),
    }.get(code, _("Không cấp được quyền này. Vui lòng kiểm tra lại."))


def _form(staff: Staff, data: object = None) -> GrantForm:
    units = [
        (u.code, f"{u.code} - {u.name}")
        for u in staff.tree.all()
        if u.kind != "province" and reaches(staff, u.code)
    ]
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
        if reaches(staff, g.unit_code)  # an administrator of one district sees that district
    ]
    return render(request, "backoffice/roles.html", {"rows": rows, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_view(Role.PROVIDER_ADMIN)
@require_recent_factor()  # granting a role: the second factor checked lately
def roles(request: HttpRequest, staff: Staff) -> HttpResponse:
    if request.method == "GET":
        return _page(request, staff, _form(staff))
    form = _form(staff, request.POST)
    valid = form.is_valid()
    if not valid and "unit" in form.errors and request.POST.get("unit"):
        # A unit that is not offered is one beyond this administrator: say so, and audit it.
        try:
            grant(request.POST.get("login", ""), role=request.POST.get("role", ""),
                  units=[request.POST["unit"]], actor=staff.login, by=staff)  # fmt: skip
        except StaffError as refused:
            if refused.code != "invalid":
                form.errors["unit"] = form.error_class([refusal_message(refused.code)])
    login = _check(form, staff) if valid else None
    if login is not None:
        code = form.cleaned_data["unit"]
        try:
            grant(login, role=form.cleaned_data["role"], units=[code] if code else [],
                  actor=staff.login, by=staff)  # fmt: skip
        except StaffError as refused:  # beyond this administrator, or gone since the check
            form.add_error(None, refusal_message(refused.code))
            return _page(request, staff, form, status=403 if refused.code != "invalid" else 400)
        messages.success(request, _("Đã cấp quyền."))
        return redirect("backoffice:roles")
    return _page(request, staff, form, status=400)


@require_POST
@staff_view(Role.PROVIDER_ADMIN)
def revoke_role(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    found = RoleGrant.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    try:
        revoke(found.login, role=found.role, units=[found.unit_code], actor=staff.login, by=staff)
    except StaffError as refused:
        if refused.code == "invalid":  # revoked meanwhile by someone else: the list shows it
            return redirect("backoffice:roles")
        messages.error(request, refusal_message(refused.code))
        return redirect("backoffice:roles")
    messages.success(request, _("Đã thu hồi quyền."))
    return redirect("backoffice:roles")
