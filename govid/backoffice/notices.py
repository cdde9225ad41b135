"""The SMS the back office sends when a request is applied (unaccented, one segment)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from govid.phones import mask_phone
from govid.sms.api import MessageTooLong, render

REGISTERED_TEXT = "So nay da duoc dang ky cho hop thu cong vu {login}. Quen mat khau, vao {url}"
REGISTERED_SHORT_TEXT = (
    "So dien thoai nay da duoc dang ky cho hop thu cong vu. Quen mat khau: {url}"
)
REPLACED_TEXT = (
    "So dien thoai cua hop thu {login} da doi sang {masked} luc {time}. "
    "Neu khong phai ban yeu cau, goi {support}."
)
REPLACED_SHORT_TEXT = (
    "So dien thoai cua hop thu cong vu cua ban da doi sang {masked} luc {time}. Goi {support}."
)


def registered_text(login: str, *, url: str) -> str:
    """To the new number: it is on file now, and where to recover the password."""
    try:
        return render(REGISTERED_TEXT, login=login, url=url)
    except MessageTooLong:  # a long address or URL: the short form still says where to go
        return render(REGISTERED_SHORT_TEXT, url=url)


def replaced_text(login: str, *, new_phone: str, at: datetime, support: str) -> str:
    """To the old number: a SIM-swap guard, so the previous owner can object at once."""
    values = {
        "login": login,
        "masked": mask_phone(new_phone),
        "time": f"{timezone.localtime(at):%H:%M %d/%m/%Y}",
        "support": support,
    }
    try:
        return render(REPLACED_TEXT, **values)
    except MessageTooLong:
        return render(REPLACED_SHORT_TEXT, **values)
