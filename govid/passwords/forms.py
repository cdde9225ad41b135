"""The new-password pair (password + repeat), shared by the reset and change forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from govid.passwords.conf import password_settings
from govid.passwords.policy import MAX_LENGTH
from govid.web.api import SecretField

RULE = _("Mật khẩu phải có ít nhất 8 ký tự (Bao gồm các ký tự hoa, thường, đặc biệt và số)")


def rule_text() -> StrOrPromise:
    """The seed's rule as the form shows it, or the configured one (GOVID_PASSWORDS_*)."""
    conf = password_settings()
    if conf.min_length == 8 and conf.character_classes:
        return RULE
    if conf.character_classes:
        return _(
            "Mật khẩu phải có ít nhất %(n)d ký tự (Bao gồm các ký tự hoa, thường, đặc biệt và số)"
        ) % {"n": conf.min_length}
    return _("Mật khẩu phải có ít nhất %(n)d ký tự") % {"n": conf.min_length}


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = rule_text()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Mật khẩu nhập lại không khớp."))
        return data
