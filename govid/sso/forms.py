from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govid.passwords.api import MAX_LENGTH, NewPasswordForm
from govid.web.api import SecretField, TextField


class LoginForm(forms.Form):
    username = TextField(
        label=_("Tên tài khoản"),
        max_length=254,
        required_message=_("Vui lòng nhập tên tài khoản."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = SecretField(
        label=_("Mật khẩu"),
        max_length=MAX_LENGTH,
        autocomplete="current-password",
        required_message=_("Vui lòng nhập mật khẩu."),
    )
    remember = forms.BooleanField(label=_("Nhớ mật khẩu"), required=False)


class ChangePasswordForm(NewPasswordForm):
    old_password = SecretField(
        label=_("Mật khẩu hiện tại"),
        max_length=MAX_LENGTH,
        autocomplete="current-password",
        required_message=_("Vui lòng nhập mật khẩu hiện tại."),
    )
    field_order = ["old_password", "password1", "password2"]
