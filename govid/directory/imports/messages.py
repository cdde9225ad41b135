"""Row and file errors of an import, in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from govid.directory.imports.plan import RowError


def row_error_message(error: RowError) -> str:
    messages = {
        "email_invalid": _("Email công vụ không hợp lệ."),
        "email_other_domain": _(
            "Email này không thuộc tên miền thư công vụ của tỉnh: chỉ nhận địa chỉ công vụ."
        ),
        "email_duplicate": _("Email công vụ này lặp lại ở một dòng trước."),
        "account_unknown": _("Không có tài khoản này trong thư mục."),
        "name_required": _("Tài khoản mới cần họ và tên."),
        "unit_required": _("Tài khoản mới cần mã đơn vị."),
        "unit_unknown": _("Không có đơn vị với mã này."),
        "unit_mismatch": _("Tài khoản đang thuộc đơn vị khác; không đổi đơn vị qua tệp nhập."),
        "unit_out_of_scope": _("Đơn vị này không thuộc phạm vi của bạn."),
        "phone_invalid": _("Số điện thoại không hợp lệ."),
        "phone_foreign": _("Số nước ngoài: chỉ nhận số di động Việt Nam."),
        "phone_not_mobile": _("Số máy cố định: tin nhắn SMS không tới được."),
        "phone_on_file": _(
            "Tài khoản đã có số điện thoại: số mới chỉ thay số cũ qua đề nghị của đơn vị, "
            "được huyện xem xét và Trung tâm Công nghệ số cập nhật, không qua tệp nhập."
        ),
        "phone_by_request": _(
            "Tài khoản đã có trong thư mục: số điện thoại của tài khoản được cập nhật qua đề "
            "nghị gửi huyện và Trung tâm Công nghệ số, không qua tệp nhập."
        ),
    }
    return messages.get(error.code, error.code)


def file_error_message(code: str, detail: str = "") -> str:
    messages = {
        "no_header": _("Tệp không có dòng tiêu đề."),
        "missing_columns": _("Thiếu cột bắt buộc: %(columns)s.") % {"columns": detail},
        "too_many_rows": _("Tệp có quá nhiều dòng (tối đa %(n)s).") % {"n": detail},
        "not_utf8": _("Tệp CSV phải được lưu với mã hoá UTF-8."),
        "bad_csv": _("Không đọc được tệp CSV."),
        "too_big": _("Tệp quá lớn."),
        "not_a_spreadsheet": _("Tệp không phải bảng tính XLSX hợp lệ."),
        "unknown_format": _("Chỉ nhận tệp XLSX hoặc CSV."),
    }
    return messages.get(code, code)
