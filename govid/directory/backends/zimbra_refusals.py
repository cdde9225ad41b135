"""Zimbra's password refusals (its fault codes), told to the user in their language."""

from __future__ import annotations

from django.utils.translation import gettext as _


def refusal_message(code: str, reason: str) -> str | None:
    """What to tell the user of a refused password, or None when the fault is no refusal.

    ``account.INVALID_PASSWORD`` names its rule in the fault's reason ("invalid password: too
    short", "not enough upper case characters", ...).
    """
    if code == "account.PASSWORD_RECENTLY_USED":
        return _("Mật khẩu này đã được dùng gần đây. Vui lòng chọn mật khẩu khác.")
    if code == "account.PASSWORD_CHANGE_TOO_SOON":
        return _("Mật khẩu vừa được thay đổi. Vui lòng thử lại sau.")
    if code == "account.PASSWORD_LOCKED":
        return password_locked_message()
    if code != "account.INVALID_PASSWORD":
        return None
    reason = reason.lower()
    if "too short" in reason:
        return _("Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử.")
    if "too long" in reason:
        return _("Mật khẩu quá dài so với quy định của hệ thống thư điện tử.")
    if "not enough" in reason:
        return _(
            "Mật khẩu chưa đủ mạnh theo quy định của hệ thống thư điện tử: cần thêm chữ hoa, "
            "chữ thường, chữ số hoặc ký tự đặc biệt."
        )
    return _("Hệ thống thư điện tử không chấp nhận mật khẩu này. Vui lòng chọn mật khẩu khác.")


def password_locked_message() -> str:
    """``zimbraPasswordLocked``: the account's password may not be changed, recovery neither."""
    return _(
        "Hệ thống thư điện tử không cho phép đổi mật khẩu của tài khoản này. Vui lòng liên "
        "hệ quản trị hệ thống."
    )
