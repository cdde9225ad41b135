"""What every back-office view shares: who is asking, and refusals turned into pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from govid.backoffice.access import Staff, load_staff
from govid.backoffice.errors import NotAllowed
from govid.backoffice.letter import LetterUnavailable
from govid.backoffice.models import Role
from govid.directory.api import get_directory
from govid.sso.api import enrol_url, must_enrol_now
from govid.web.api import bad_request, error_page, has_nul_bytes

StaffView = Callable[..., HttpResponse]

# The menu entry each page belongs to (marked aria-current="page" in the header).
SECTIONS = {
    "home": "home",
    "requests": "requests",
    "new_request": "requests",
    "request": "requests",
    "add_line": "requests",
    "remove_line": "requests",
    "scan": "requests",
    "move": "requests",
    "accounts": "accounts",
    "import": "import",
    "import_preview": "import",
    "import_apply": "import",
    "report": "report",
    "audit": "audit",
    "roles": "roles",
    "revoke_role": "roles",
    "helpdesk": "helpdesk",
    "helpdesk_account": "helpdesk",
    "helpdesk_release": "helpdesk",
    "helpdesk_end_sessions": "helpdesk",
    "helpdesk_remove_factors": "helpdesk",
}


@dataclass(frozen=True)
class Desk:
    """What the header of every back-office page shows: who is at the desk, as what, where."""

    name: str
    roles: list[tuple[str, str]]  # (the role's name, the units it holds it for)
    section: str


def desk_of(staff: Staff, name: str, url_name: str) -> Desk:
    units: dict[str, list[str]] = {}
    for role, code in staff.grants:
        unit = staff.tree.get(code) if code else None
        where = unit.name if unit is not None else (code or _("Toàn tỉnh"))
        units.setdefault(role, []).append(where)
    roles = [(str(r.label), ", ".join(sorted(units[r.value]))) for r in Role if r.value in units]
    return Desk(name=name or staff.login, roles=roles, section=SECTIONS.get(url_name, ""))


def staff_view(*roles: str) -> Callable[[StaffView], Callable[..., HttpResponse]]:
    """Signed in, holding a role (one of ``roles`` if given); the view gets the Staff."""

    def decorate(view: StaffView) -> Callable[..., HttpResponse]:
        @never_cache
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            account = get_directory().find(request.user.get_username())
            if account is None or account.locked:
                # Locked or gone since the login (in the mail system's own directory too):
                # the session ends here, whatever the roles say.
                logout(request)
                return redirect_to_login(request.get_full_path())
            staff = load_staff(request.user.get_username())
            if staff is None or (roles and not any(staff.has(role) for role in roles)):
                raise PermissionDenied
            if must_enrol_now(staff.login):  # a role needs a second factor, the grace is over
                return redirect(enrol_url(request.get_full_path()))
            setattr(request, "backoffice_staff", staff)  # noqa: B010  (the menu reads it)
            match = request.resolver_match
            desk = desk_of(staff, account.name, (match.url_name or "") if match else "")
            setattr(request, "backoffice_desk", desk)  # noqa: B010  (the header reads it)
            try:
                return view(request, staff, *args, **kwargs)
            except NotAllowed as refused:
                if not refused.visible:
                    raise Http404 from None
                raise PermissionDenied from None

        return wrapper

    return decorate


def limit_body(setting: Callable[[], int]) -> Callable[[StaffView], StaffView]:
    """Refuse a request body over the limit before anything parses it (413).

    CSRF's middleware would read the whole upload first; the check runs ahead of it, and the
    token is then checked as usual.
    """

    def decorate(view: StaffView) -> StaffView:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > setting() + 64 * 1024:  # the form's other fields and boundaries
                return error_page(
                    request,
                    413,
                    _("Tệp quá lớn"),
                    _("Tệp gửi lên vượt quá dung lượng cho phép. Vui lòng chọn tệp nhỏ hơn."),
                )
            if has_nul_bytes(request):  # after the size: this parses the body
                return bad_request(request)
            return protected(request, *args, **kwargs)

        wrapper.body_limited = True  # type: ignore[attr-defined]  # read by NulBytesMiddleware
        return wrapper

    return decorate


def refusal_message(code: str) -> str:
    """The user's-language sentence for a RequestRefused code."""
    messages = {
        "phone_invalid": _("Số điện thoại không hợp lệ."),
        "phone_foreign": _("Chỉ nhận số di động Việt Nam."),
        "phone_not_mobile": _(
            "Đây là số máy cố định: tin nhắn SMS không tới được. Vui lòng nhập số di động."
        ),
        "reason_required": _("Vui lòng nhập lý do."),
        "reason_too_long": _("Lý do dài quá 300 ký tự. Vui lòng viết ngắn hơn."),
        "text_invalid": _("Nội dung có ký tự không hợp lệ. Vui lòng nhập lại."),
        "account_unknown": _("Không tìm thấy tài khoản này."),
        "account_other_unit": _("Tài khoản này không thuộc đơn vị của đề nghị."),
        "duplicate_line": _("Tài khoản này đã có trong đề nghị."),
        "scan_too_big": _("Tệp quá lớn so với dung lượng cho phép."),
        "scan_not_pdf": _("Tệp không phải PDF. Vui lòng quét văn bản đã ký thành tệp PDF."),
        "comment_required": _("Vui lòng ghi ý kiến khi trả lại hoặc từ chối đề nghị."),
        "no_lines": _("Đề nghị chưa có tài khoản nào."),
        "scan_missing": _(
            "Chưa có bản quét văn bản đã ký nên chưa gửi hoặc chuyển được đề nghị. "
            "Đơn vị đính kèm bản quét (PDF) ở mục Văn bản."
        ),
        "wrong_state": _("Đề nghị đã được chuyển sang bước khác. Vui lòng tải lại trang."),
        "account_protected": _(
            "Tài khoản này giữ quyền quản trị hoặc một vai trò trong văn phòng: đơn vị không đề "
            "nghị đổi số điện thoại của tài khoản này. Vui lòng liên hệ Trung tâm Công nghệ số."
        ),
        "same_person": _(
            "Mỗi bước phải do một người khác thực hiện: người đề nghị, người xem xét ở huyện và "
            "người cập nhật ở Trung tâm Công nghệ số. Vui lòng để đồng nghiệp thực hiện bước này."
        ),
        "account_gone": _(
            "Có tài khoản trong đề nghị không còn trong thư mục hoặc đã chuyển đơn vị. "
            "Chưa có thay đổi nào được lưu; vui lòng trả lại đề nghị cho đơn vị."
        ),
    }
    return messages.get(code, _("Dữ liệu gửi lên không hợp lệ. Vui lòng thử lại từ đầu."))


def status_of(code: str) -> int:
    if code == "same_person":
        return 403
    conflicts = ("wrong_state", "account_gone", "account_protected", "scan_missing")
    return 409 if code in conflicts else 400


def letter_download(request: HttpRequest, make: Callable[[], bytes], filename: str) -> HttpResponse:
    """A letter's PDF as a download, or the page saying the server lacks its fonts (503)."""
    try:
        pdf = make()
    except LetterUnavailable:
        return error_page(
            request,
            503,
            _("Chưa tạo được công văn"),
            _("Máy chủ thiếu phông chữ để tạo công văn. Vui lòng báo quản trị hệ thống."),
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
