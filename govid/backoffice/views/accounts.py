"""A unit's accounts: the list (masked phones), the XLSX export, the import with its preview."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from govid import clock
from govid.audit.api import record
from govid.backoffice.access import Staff
from govid.backoffice.conf import backoffice_settings
from govid.backoffice.forms import ImportForm
from govid.backoffice.models import ImportUpload, Role
from govid.backoffice.views.common import limit_body, staff_view
from govid.directory.api import (
    ImportFileError,
    ImportPlan,
    PhoneChangeRefused,
    apply_plan,
    file_error_message,
    get_directory,
    plan_import,
    read_table,
    row_error_message,
)
from govid.phones import mask_phone, national_digits
from govid.spreadsheets import append_inert_row
from govid.sso.api import require_recent_factor
from govid.web.api import client_ip

READERS = (Role.UNIT_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVIDER_ADMIN, Role.AUDITOR)
IMPORTERS = (Role.UNIT_OFFICER, Role.PROVIDER_ADMIN)


def _leaf_units(staff: Staff, roles: tuple[str, ...]) -> list[str]:
    codes = staff.units(*roles)
    return [c for c in codes if (u := staff.tree.get(c)) is not None and u.kind == "unit"]


def _chosen_unit(request: HttpRequest, staff: Staff, roles: tuple[str, ...]) -> str | None:
    units = _leaf_units(staff, roles)
    code = request.GET.get("unit") or (units[0] if units else "")
    if code and code not in units:
        raise PermissionDenied
    return code or None


@require_GET
@staff_view(*READERS)
def account_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    unit = _chosen_unit(request, staff, READERS)
    accounts = get_directory().accounts_in([unit]) if unit else []
    rows = [{"a": a, "phone": mask_phone(a.phone) if a.phone else ""} for a in accounts]
    units = [staff.tree.get(c) for c in _leaf_units(staff, READERS)]
    can_export = unit is not None and any(
        staff.covers(role, unit) for role in (*IMPORTERS, Role.DISTRICT_REVIEWER, Role.AUDITOR)
    )
    return render(
        request,
        "backoffice/accounts.html",
        {"rows": rows, "units": units, "unit": unit, "can_export": can_export},
    )


@require_GET
@staff_view(*READERS)
def account_export(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The unit's accounts as XLSX, in the import's own columns, for checking and correcting.

    Full numbers only for those who may change them (the unit's officer, the provider). Every
    cell is inert: a name such as ``=HYPERLINK(...)`` is text in the reader's spreadsheet.
    Every export is audited (who, which unit, how many rows, full or masked numbers), never
    the numbers themselves.
    """
    unit = _chosen_unit(request, staff, READERS)
    if unit is None:
        raise Http404
    full = any(staff.covers(role, unit) for role in IMPORTERS)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101  (a new workbook has one sheet)
    sheet.title = unit[:31]
    append_inert_row(sheet, ["email", "name", "unit", "phone", "locked"])
    accounts = get_directory().accounts_in([unit])
    for a in accounts:
        phone = "" if not a.phone else national_digits(a.phone) if full else mask_phone(a.phone)
        append_inert_row(sheet, [a.login, a.name, a.unit_code, phone, "x" if a.locked else ""])
    phones = "full" if full else "masked"
    record(
        "accounts_exported",
        actor=staff.login,
        subject=unit,
        ip=client_ip(request),
        rows=len(accounts),
        phones=phones,
    )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tai-khoan-{unit}.xlsx"'
    return response


def _scope(staff: Staff) -> set[str] | None:
    return staff.scope(*IMPORTERS)


@limit_body(lambda: backoffice_settings().import_max_bytes)
@require_http_methods(["GET", "POST"])
@staff_view(*IMPORTERS)
def import_upload(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Step 1: choose the file; it is kept, unapplied, until the preview is confirmed."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        if len(content) > backoffice_settings().import_max_bytes:
            form.add_error("file", file_error_message("too_big"))
        else:
            _forget_abandoned_uploads()
            kept = ImportUpload.objects.create(
                uploaded_by=staff.login,
                uploaded_at=clock.now(),
                filename=str(upload.name)[:200],
                content=content,
            )
            return redirect("backoffice:import_preview", pk=kept.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/import.html", {"form": form}, status=status)


def _forget_abandoned_uploads() -> None:
    """Lists uploaded and never applied, past GOVID_BACKOFFICE_IMPORT_KEEP: their rows go."""
    too_old = clock.now() - backoffice_settings().import_keep
    ImportUpload.objects.filter(applied_at__isnull=True, uploaded_at__lt=too_old).delete()


def _plan(staff: Staff, upload: ImportUpload) -> tuple[ImportPlan | None, str]:
    try:
        rows = read_table(
            bytes(upload.content), upload.filename, max_rows=backoffice_settings().import_max_rows
        )
    except ImportFileError as error:
        return None, file_error_message(error.code, error.detail)
    # Only the provider puts a first number on an existing account; a unit's own proposal
    # goes through a request (the district reviews it).
    fill_scope = staff.scope(Role.PROVIDER_ADMIN)
    return plan_import(rows, scope=_scope(staff), fill_scope=fill_scope), ""


def _own_upload(staff: Staff, pk: int) -> ImportUpload:
    upload = ImportUpload.objects.filter(pk=pk, uploaded_by=staff.login).first()
    if upload is None:
        raise Http404
    return upload


def _preview(request: HttpRequest, staff: Staff, upload: ImportUpload) -> HttpResponse:
    plan, file_error = (None, "") if upload.applied_at else _plan(staff, upload)
    rows = []
    for row in plan.rows if plan else []:
        errors = [row_error_message(e) for e in row.errors]
        phone = mask_phone(row.phone) if row.phone else ""
        rows.append({"row": row, "phone": phone, "errors": errors})
    context = {"upload": upload, "plan": plan, "rows": rows, "file_error": file_error}
    status = 400 if file_error or (plan and plan.errors) else 200
    return render(request, "backoffice/import_preview.html", context, status=status)


@require_GET
@staff_view(*IMPORTERS)
def import_preview(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """Step 2: every row with what will happen, or why it cannot; nothing written yet."""
    return _preview(request, staff, _own_upload(staff, pk))


@require_POST
@staff_view(*IMPORTERS)
@require_recent_factor()  # applying phone changes: the second factor checked lately
def import_apply(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """Step 3: write it all, checked again against the directory as it is now."""
    upload = _own_upload(staff, pk)
    if upload.applied_at is not None:
        messages.warning(request, _("Tệp này đã được cập nhật trước đó."))
        return redirect("backoffice:import_preview", pk=pk)
    plan, _file_error = _plan(staff, upload)
    if plan is None or plan.errors:
        return _preview(request, staff, upload)
    try:
        written = apply_plan(plan, actor=staff.login, ip=client_ip(request))
    except PhoneChangeRefused:  # a number arrived since the preview: show it again
        return _preview(request, staff, upload)
    ImportUpload.objects.filter(pk=pk).update(applied_at=clock.now(), content=b"")
    messages.success(request, _("Đã cập nhật %(n)d tài khoản.") % {"n": written})
    return redirect("backoffice:accounts")
