from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govid.web.api import TextField


class CodeForm(forms.Form):
    """A code from the authenticator app (6 digits) or a recovery code (xxxxx-xxxxx)."""

    code = TextField(
        label=_("Mã xác thực"),
        max_length=20,
        required_message=_("Vui lòng nhập mã xác thực."),
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã khôi phục."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )


class EnrolForm(forms.Form):
    code = TextField(
        label=_("Mã 6 chữ số trong ứng dụng"),
        max_length=20,
        required_message=_("Vui lòng nhập mã xác thực."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
