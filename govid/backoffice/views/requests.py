"""The request pages: queue and list, filing, the request itself, its scan, its letter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govid.backoffice import flow
from govid.backoffice.access import Staff
from govid.backoffice.conf import backoffice_settings
from govid.backoffice.errors import RequestRefused
from govid.backoffice.forms import LineForm, MoveForm, NewRequestForm, ScanForm
from govid.backoffice.letters import request_letter_pdf
from govid.backoffice.models import PhoneRequest, Role, Scan, State
from govid.backoffice.views.common import (
    letter_download,
    limit_body,
    refusal_message,
    staff_view,
    status_of,
)
from govid.phones import mask_phone, national_digits
from govid.sso.api import ask_for_factor_again, factor_checked_recently
from govid.web.api import client_ip, error_page


@require_GET
@staff_view()
def home(request: HttpRequest, staff: Staff) -> HttpResponse:
    """What waits for me, and where everything I filed is."""
    queue = PhoneRequest.objects.filter(staff.queue())
    return render(request, "backoffice/home.html", {"staff": staff, "queue": queue})


@require_GET
@staff_view()
def request_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    found = PhoneRequest.objects.filter(staff.visible_requests())
    state = request.GET.get("state", "")
    if state in State.values:
        found = found.filter(state=state)
    return render(
        request,
        "backoffice/requests.html",
        {"requests": found[:500], "states": State.choices, "state": state, "staff": staff},
    )


def _own_units(staff: Staff) -> list[tuple[str, str]]:
    units = [staff.tree.get(code) for code in staff.units(Role.UNIT_OFFICER)]
    return [(u.code, f"{u.code} - {u.name}") for u in units if u is not None and u.kind == "unit"]


@require_http_methods(["GET", "POST"])
@staff_view(Role.UNIT_OFFICER)
def new_request(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Start a draft for one of my units."""
    units = _own_units(staff)
    form = NewRequestForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        created = flow.file_request(
            staff, unit_code=form.cleaned_data["unit"], ip=client_ip(request)
        )
        return redirect("backoffice:request", pk=created.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/new_request.html", {"form": form}, status=status)


def _visible(staff: Staff, pk: int) -> PhoneRequest:
    found = PhoneRequest.objects.filter(pk=pk).first()
    if found is None or not staff.can_see(found):
        raise Http404
    return found


def _question(action: str) -> str:
    """What the page asks before the step is taken (the step cannot be undone)."""
    return {
        "submit": _(
            "Gửi đề nghị này lên huyện? Sau khi gửi, đơn vị không sửa được nữa, trừ khi đề nghị "
            "bị trả lại."
        ),
        "forward": _("Chuyển đề nghị này lên Trung tâm Công nghệ số?"),
        "return": _("Trả lại đề nghị này cho đơn vị, kèm ý kiến đã ghi?"),
        "apply": _(
            "Cập nhật số điện thoại của các tài khoản trong đề nghị vào hệ thống và nhắn tin "
            "cho các số đó? Bước này không hoàn tác được."
        ),
        "reject": _("Từ chối đề nghị này? Bước này không hoàn tác được."),
    }[action]


def _actions(staff: Staff, req: PhoneRequest) -> list[tuple[str, str]]:
    actions = []
    if staff.can_edit(req):
        actions.append(("submit", _("Gửi đề nghị")))
    if staff.can_review(req):
        actions += [
            ("forward", _("Chuyển Trung tâm Công nghệ số")),
            ("return", _("Trả lại đơn vị")),
        ]
    if staff.can_decide(req):
        actions += [
            ("apply", _("Cập nhật vào hệ thống")),
            ("reject", _("Từ chối")),
            ("return", _("Trả lại đơn vị")),
        ]
    return actions


def _detail(
    request: HttpRequest, staff: Staff, req: PhoneRequest, status: int = 200, **forms: Any
) -> HttpResponse:
    full = staff.sees_full_phones(req)
    lines = [
        {
            "line": line,
            "phone": national_digits(line.new_phone) if full else mask_phone(line.new_phone),
        }
        for line in req.lines.all()
    ]
    editable = staff.can_edit(req)
    scan = Scan.objects.filter(request=req).only("size", "uploaded_at", "uploaded_by").first()
    actions = _actions(staff, req)
    # Without the signed scan, sending and forwarding wait: their buttons say why, beside them.
    blocked = set() if scan is not None else set(flow.SCAN_NEEDED)
    context = {
        "req": req,
        "lines": lines,
        "history": req.history.all(),
        "scan": scan,
        "editable": editable,
        "can_letter": staff.can_read_letter(req),
        "actions": [
            (action, label, action in blocked, _question(action)) for action, label in actions
        ],
        "scan_needed": (
            refusal_message("scan_missing") if any(a in blocked for a, _label in actions) else ""
        ),
        "line_form": forms.get("line_form") or (LineForm() if editable else None),
        "scan_form": forms.get("scan_form") or (ScanForm() if editable else None),
        "move_form": forms.get("move_form") or MoveForm(),
        "scan_max_mb": backoffice_settings().scan_max_bytes // (1024 * 1024),
    }
    return render(request, "backoffice/request.html", context, status=status)


@require_GET
@staff_view()
def request_detail(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    return _detail(request, staff, _visible(staff, pk))


@require_POST
@staff_view(Role.UNIT_OFFICER)
def add_line(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    req = _visible(staff, pk)
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            flow.add_line(staff, pk, ip=client_ip(request), **form.cleaned_data)
        except RequestRefused as refused:
            if refused.code == "not_allowed":
                raise
            form.add_error(refused.field, refusal_message(refused.code))
        else:
            messages.success(request, _("Đã thêm tài khoản vào đề nghị."))
            return redirect("backoffice:request", pk=pk)
    return _detail(request, staff, req, status=400, line_form=form)


@require_POST
@staff_view(Role.UNIT_OFFICER)
def remove_line(request: HttpRequest, staff: Staff, pk: int, line: int) -> HttpResponse:
    _visible(staff, pk)
    try:
        flow.remove_line(staff, pk, line, ip=client_ip(request))
    except RequestRefused as refused:
        if refused.code == "not_allowed":
            raise
        if refused.code == "line_unknown":
            raise Http404 from None
        return _refused_page(request, refused)
    messages.success(request, _("Đã bỏ tài khoản khỏi đề nghị."))
    return redirect("backoffice:request", pk=pk)


@limit_body(lambda: backoffice_settings().scan_max_bytes)
@require_http_methods(["GET", "POST"])
@staff_view()
def scan(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """GET: the signed scan; POST: attach it (unit officer, while editable)."""
    req = _visible(staff, pk)
    if request.method == "GET":
        found = Scan.objects.filter(request=req).first()
        if found is None:
            raise Http404
        response = HttpResponse(bytes(found.content), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="de-nghi-{pk}-ban-ky.pdf"'
        return response
    if not staff.can_edit(req):
        raise PermissionDenied
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            flow.attach_scan(
                staff, pk, content=form.cleaned_data["scan"].read(), ip=client_ip(request)
            )
        except RequestRefused as refused:
            if refused.code == "not_allowed":
                raise
            form.add_error("scan", refusal_message(refused.code))
        else:
            messages.success(request, _("Đã đính kèm bản quét văn bản đã ký."))
            return redirect("backoffice:request", pk=pk)
    return _detail(request, staff, req, status=400, scan_form=form)


@require_GET
@staff_view(Role.UNIT_OFFICER, Role.PROVIDER_ADMIN)
def letter(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """The unit's letter to print, sign and scan (Decree 30 layout)."""
    req = _visible(staff, pk)
    if not staff.can_read_letter(req):
        raise PermissionDenied
    return letter_download(request, lambda: request_letter_pdf(req), f"cong-van-de-nghi-{pk}.pdf")


@require_POST
@staff_view()
def move(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """One step of the workflow (the button pressed names it), with the comment."""
    req = _visible(staff, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _detail(request, staff, req, status=400, move_form=form)
    action = request.POST.get("action", "")
    if action == "apply" and not factor_checked_recently(request):
        return ask_for_factor_again(request)  # applying phone changes: the second factor again
    recovery_url = request.build_absolute_uri(reverse("recovery:forgot"))
    try:
        flow.move(
            staff,
            pk,
            action,
            comment=form.cleaned_data["comment"],
            ip=client_ip(request),
            recovery_url=recovery_url,
        )
    except RequestRefused as refused:
        if refused.code == "not_allowed":
            raise
        if refused.field:
            form.add_error(refused.field, refusal_message(refused.code))
        else:
            form.add_error(None, refusal_message(refused.code))
        return _detail(request, staff, _visible(staff, pk), status_of(refused.code), move_form=form)
    messages.success(request, _("Đã cập nhật trạng thái đề nghị."))
    return redirect("backoffice:request", pk=pk)


def _refused_page(request: HttpRequest, refused: RequestRefused) -> HttpResponse:
    return error_page(
        request, status_of(refused.code), _("Không thực hiện được"), refusal_message(refused.code)
    )
