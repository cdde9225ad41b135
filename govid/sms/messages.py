"""The texts govid sends, rendered unaccented to fit one GSM-7 segment."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from govid.sms.text import fits_one_segment, unaccent

CODE_TEXT = (
    "Ma xac nhan khoi phuc mat khau thu cong vu: {code}. Co hieu luc {minutes} phut. "
    "Khong cung cap ma nay cho bat ky ai."
)
CHANGED_NOTICE_TEXT = (
    "Mat khau thu cong vu cua ban da duoc thay doi luc {time}. "
    "Neu khong phai ban thuc hien, hay goi ngay {support}."
)


class MessageTooLong(ValueError):
    """A rendered text does not fit one SMS; the deployment's template must be shortened."""


def render(template: str, **values: object) -> str:
    text = unaccent(template.format(**values))
    if not fits_one_segment(text):
        raise MessageTooLong(f"{len(text)} characters, not GSM-7 or over 160: {template!r}")
    return text


def code_text(code: str, *, minutes: int) -> str:
    return render(CODE_TEXT, code=code, minutes=minutes)


def password_changed_text(at: datetime, *, support: str) -> str:
    local = timezone.localtime(at)
    return render(CHANGED_NOTICE_TEXT, time=f"{local:%H:%M %d/%m/%Y}", support=support)
