"""From a request to its letter: who writes to whom, about what, with which accounts."""

from __future__ import annotations

from functools import cache

from govid import clock
from govid.backoffice.conf import BackofficeSettings, backoffice_settings
from govid.backoffice.letter import Letter, LetterLine, render_letter
from govid.backoffice.models import PhoneRequest
from govid.directory.api import unit_tree
from govid.phones import national_digits

SUBJECT = "đề nghị cập nhật số điện thoại, khôi phục mật khẩu hộp thư điện tử công vụ"
BLANK = "................"  # a place to write by hand
BLANK_ROWS = 8


def letter_for(request: PhoneRequest) -> Letter:
    conf = backoffice_settings()
    tree = unit_tree()
    unit = tree.get(request.unit_code)
    parent = tree.get(unit.parent) if unit and unit.parent else None
    district = tree.district_of(request.unit_code)
    office = conf.district_office.format(district=district.name if district else "")
    lines = [
        LetterLine(
            name=line.name,
            login=line.login,
            phone=national_digits(line.new_phone),
            reason=line.reason + ("; đề nghị mở khoá tài khoản" if line.unlock else ""),
        )
        for line in request.lines.all()
    ]
    intro = (
        f"Thực hiện hướng dẫn khôi phục mật khẩu hộp thư điện tử công vụ qua hệ thống đăng nhập "
        f"một lần (SSO) của tỉnh, {request.unit_name} đề nghị {office} tổng hợp, chuyển "
        f"{conf.provider} cập nhật số điện thoại di động cho {len(lines)} tài khoản thư điện tử "
        f"công vụ sau đây để cán bộ, công chức, viên chức tự khôi phục được mật khẩu:"
    )
    closing = (
        f"{request.unit_name} xác nhận các số điện thoại trên là số di động do chính cán bộ, "
        f"công chức, viên chức có tên sử dụng (đề nghị số {request.pk} trên hệ thống)."
    )
    return Letter(
        parent_name=parent.name if parent else "",
        unit_name=request.unit_name,
        place=conf.letter_place,
        date=clock.now(),
        number=conf.letter_number,
        subject=SUBJECT,
        recipients=[office, conf.provider],
        intro=intro,
        closing=closing,
        lines=lines,
        reference=f"request/{request.pk}",
    )


def request_letter_pdf(request: PhoneRequest) -> bytes:
    """The letter as PDF bytes; raises LetterUnavailable without the fonts."""
    return render_letter(letter_for(request), font_dir=backoffice_settings().letter_font_dir)


def blank_letter(conf: BackofficeSettings) -> Letter:
    """The same letter with everything the unit knows left blank, for a unit with no
    back-office account: it fills it in by hand, signs it and sends it on paper."""
    office = conf.district_office.format(district=BLANK)
    intro = (
        f"Thực hiện hướng dẫn khôi phục mật khẩu hộp thư điện tử công vụ qua hệ thống đăng nhập "
        f"một lần (SSO) của tỉnh, {BLANK}{BLANK} đề nghị {office} tổng hợp, chuyển "
        f"{conf.provider} cập nhật số điện thoại di động cho ...... tài khoản thư điện tử "
        f"công vụ sau đây để cán bộ, công chức, viên chức tự khôi phục được mật khẩu:"
    )
    closing = (
        f"{BLANK}{BLANK} xác nhận các số điện thoại trên là số di động do chính cán bộ, "
        f"công chức, viên chức có tên sử dụng."
    )
    return Letter(
        parent_name=BLANK,
        unit_name=BLANK,
        place=conf.letter_place,
        date=None,
        number=conf.letter_number,
        subject=SUBJECT,
        recipients=[office, conf.provider],
        intro=intro,
        closing=closing,
        lines=[],
        reference="blank",
        blank_rows=BLANK_ROWS,
    )


@cache
def _blank_pdf(conf: BackofficeSettings) -> bytes:
    return render_letter(blank_letter(conf), font_dir=conf.letter_font_dir)


def blank_letter_pdf() -> bytes:
    """The blank form as PDF bytes, made once per configuration; raises LetterUnavailable
    without the fonts."""
    return _blank_pdf(backoffice_settings())
