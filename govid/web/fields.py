"""Form fields whose every message is in the user's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class TextField(forms.CharField):
    """A one-line text field: required, bounded, no NUL bytes, with Vietnamese messages."""

    def __init__(self, *, max_length: int, required_message: StrOrPromise, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {
                "required": required_message,
                "max_length": _("Tối đa %(limit_value)d ký tự (bạn đã nhập %(show_value)d)."),
            },
        )
        super().__init__(max_length=max_length, **kwargs)
        # Replace Django's English NUL-byte message with ours.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.validators.append(
            ProhibitNullCharactersValidator(message=_("Không được chứa ký tự rỗng (NUL)."))
        )


class SecretField(TextField):
    """A password field: kept exactly as typed, never sent back to the browser."""

    def __init__(self, *, autocomplete: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.PasswordInput(attrs={"autocomplete": autocomplete}, render_value=False)
        )
        super().__init__(strip=False, **kwargs)
