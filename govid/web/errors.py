"""Error pages: a clear message in the user's language and a 4xx, never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": title, "message": message, "status": status},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        400,
        _("Yêu cầu không hợp lệ"),
        _("Dữ liệu gửi lên không hợp lệ. Vui lòng thử lại từ đầu."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, 403, _("Không có quyền truy cập"), _("Bạn không có quyền thực hiện thao tác này.")
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        404,
        _("Không tìm thấy trang"),
        _("Trang bạn tìm không tồn tại hoặc đã được chuyển đi."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(
        request, 500, _("Lỗi hệ thống"), _("Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.")
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        403,
        _("Phiên làm việc đã hết hạn"),
        _("Trang đã mở quá lâu hoặc thiếu mã bảo vệ. Vui lòng tải lại trang và thử lại."),
    )


def method_not_allowed(request: HttpRequest) -> HttpResponse:
    return error_page(
        request, 405, _("Thao tác không được hỗ trợ"), _("Trang này không nhận kiểu yêu cầu này.")
    )


def service_unavailable(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        503,
        _("Dịch vụ tạm thời gián đoạn"),
        _(
            "Hệ thống tài khoản tạm thời không phản hồi. Chưa có thay đổi nào được "
            "lưu. Vui lòng thử lại sau ít phút."
        ),
    )
