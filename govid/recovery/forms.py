from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govid.captcha.api import CaptchaField
from govid.passwords.api import NewPasswordForm
from govid.web.api import TextField


class ForgotPasswordForm(forms.Form):
    email = TextField(
        label=_("Email công vụ"),
        max_length=254,
        required_message=_("Vui lòng nhập Email công vụ."),
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Nhập tài khoản mail công vụ"),
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "inputmode": "email",
            }
        ),
    )

    def __init__(self, *args: Any, captcha: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if captcha:  # past the lookups an address may make freely (govid.captcha)
            self.fields["altcha"] = CaptchaField("forgot")


class ResetPasswordForm(NewPasswordForm):
    code = TextField(
        label=_("Mã xác nhận"),
        max_length=16,
        required_message=_("Vui lòng nhập mã xác nhận."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    field_order = ["code", "password1", "password2"]

    def clean_code(self) -> str:
        # People paste "140 899" from the SMS: spaces are not part of the code.
        code = "".join(str(self.cleaned_data["code"]).split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("Mã xác nhận gồm 6 chữ số."), code="code_format")
        return code
