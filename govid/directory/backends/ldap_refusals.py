"""The directory's own password policy refusals, told to the user in their language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

# draft-behera-ldap-password-policy, PasswordPolicyResponseValue.error
ACCOUNT_LOCKED = 1
PASSWORD_MOD_NOT_ALLOWED = 3
INSUFFICIENT_QUALITY = 5
TOO_SHORT = 6
TOO_YOUNG = 7
IN_HISTORY = 8
PPOLICY_OID = "1.3.6.1.4.1.42.2.27.8.5.1"
# Active Directory's reason for a password it will not take (too short, too simple, history).
AD_POLICY_CODE = "0000052D"


def ppolicy_error(error: Exception) -> int | None:
    """The password policy error code carried by an LDAP error's response control, if any."""
    from ldap.controls import DecodeControlTuples
    from ldap.controls.ppolicy import PasswordPolicyControl

    info: dict[str, Any] = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    for control in DecodeControlTuples(info.get("ctrls") or []):
        if isinstance(control, PasswordPolicyControl) and control.error is not None:
            return int(control.error)
    return None


def diagnostic(error: Exception) -> str:
    info = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    return str(info.get("info", ""))


def refusal_message(code: int | None, text: str = "") -> str:
    """What to tell the user about a password the directory refused.

    ``text`` is the server's diagnostic: Samba's AD names the reason after ``0000052D``
    ("too short", "complexity", "too young", "already used (previous password)" or "(in
    history)"); Windows' says only 0000052D, which gets the general message.
    """
    reason = text.lower()
    if code == TOO_SHORT or "too short" in reason:
        return _("Mật khẩu quá ngắn so với quy định của hệ thống thư điện tử.")
    if code == IN_HISTORY or "history" in reason or "already used" in reason:
        return _("Mật khẩu này đã được dùng gần đây. Vui lòng chọn mật khẩu khác.")
    if code == INSUFFICIENT_QUALITY:
        return _("Mật khẩu chưa đủ mạnh theo quy định của hệ thống thư điện tử.")
    if "complexity" in reason:
        return _(
            "Mật khẩu chưa đủ mạnh theo quy định của hệ thống thư điện tử: cần có ít nhất ba "
            "trong bốn loại ký tự (chữ hoa, chữ thường, chữ số, ký tự đặc biệt) và không được "
            "chứa tên tài khoản."
        )
    if code == TOO_YOUNG or "too young" in reason or "too recently" in reason:
        return _("Mật khẩu vừa được thay đổi. Vui lòng thử lại sau.")
    return _("Hệ thống thư điện tử không chấp nhận mật khẩu này. Vui lòng chọn mật khẩu khác.")
