"""The new-password pair (password + repeat), shared by the reset and change forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govid.passwords.policy import MAX_LENGTH
from govid.web.fields import SecretField

RULE = _("Mật khẩu phải có ít nhất 8 ký tự (Bao gồm các ký tự hoa, thường, đặc biệt và số)")


class NewPasswordForm(forms.Form):
    password1 = SecretField(
        label=_("Mật khẩu"),
        max_length=MAX_LENGTH,
        autocomplete="new-password",
        required_message=_("Vui lòng nhập mật khẩu mới."),
        help_text=RULE,
    )
    password2 = SecretField(
        label=_("Nhập lại mật khẩu"),
        max_length=MAX_LENGTH,
        autocomplete="new-password",
        required_message=_("Vui lòng nhập lại mật khẩu."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Mật khẩu nhập lại không khớp."))
        return data
