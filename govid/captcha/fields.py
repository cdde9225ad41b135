"""The form field that carries the widget's payload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from govid.captcha import pow

# Names what is on the screen: the widget verifies by itself as the page loads, and its box then
# reads "Đã xác minh" (altcha's own Vietnamese); there is nothing to tick.
MESSAGE_REQUIRED = _(
    "Vui lòng xác minh bạn không phải là máy: đợi ô xác minh bên trên hiện “Đã xác minh” rồi "
    "bấm lại."
)
MESSAGE_INVALID = _("Xác minh không hợp lệ hoặc đã hết hạn. Vui lòng xác minh lại.")


class AltchaWidget(forms.Widget):
    template_name = "captcha/widget.html"

    def __init__(self, purpose: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.purpose = purpose

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["challenge"] = pow.challenge_json(self.purpose)  # a new one at every render
        context["language"] = "vi" if (get_language() or "vi").startswith("vi") else "en"
        return context


class CaptchaField(forms.CharField):
    """Accepts a payload that solves one of our challenges for ``purpose``, once."""

    def __init__(self, purpose: str, **kwargs: Any) -> None:
        self.purpose = purpose
        kwargs.setdefault("label", _("Xác minh chống tự động"))
        kwargs.setdefault("error_messages", {"required": MESSAGE_REQUIRED})
        super().__init__(widget=AltchaWidget(purpose), max_length=pow.MAX_PAYLOAD, **kwargs)
        self.error_messages["max_length"] = MESSAGE_INVALID

    def validate(self, value: Any) -> None:
        super().validate(value)
        if not pow.accept(str(value), self.purpose):
            raise forms.ValidationError(MESSAGE_INVALID, code="captcha_invalid")
