"""The back office's forms; every message in the user's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govid.web.api import TextField


class NewRequestForm(forms.Form):
    unit = forms.ChoiceField(
        label=_("Đơn vị"), error_messages={"required": _("Vui lòng chọn đơn vị.")}
    )

    def __init__(self, *args: object, units: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
        self.fields["unit"].error_messages["invalid_choice"] = _("Đơn vị không hợp lệ.")


class LineForm(forms.Form):
    login = TextField(
        label=_("Email công vụ"),
        max_length=254,
        required_message=_("Vui lòng nhập tài khoản mail công vụ."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    phone = TextField(
        label=_("Số điện thoại di động mới"),
        max_length=32,
        required_message=_("Vui lòng nhập số điện thoại."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    reason = TextField(label=_("Lý do"), max_length=300, required_message=_("Vui lòng nhập lý do."))
    unlock = forms.BooleanField(label=_("Mở khoá tài khoản"), required=False)


class ScanForm(forms.Form):
    scan = forms.FileField(
        label=_("Bản quét văn bản đã ký (PDF)"),
        error_messages={
            "required": _("Vui lòng chọn tệp PDF."),
            "empty": _("Tệp rỗng."),
            "invalid": _("Không đọc được tệp."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class MoveForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Tối đa %(limit_value)d ký tự.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách (XLSX hoặc CSV)"),
        error_messages={"required": _("Vui lòng chọn tệp."), "empty": _("Tệp rỗng.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class GrantForm(forms.Form):
    """A provider administrator gives a role to an account, for a unit or the province."""

    login = TextField(
        label=_("Email công vụ"),
        max_length=254,
        required_message=_("Vui lòng nhập tài khoản mail công vụ."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=_("Vai trò"), error_messages={"required": _("Vui lòng chọn vai trò.")}
    )
    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)

    def __init__(
        self,
        *args: object,
        roles: list[tuple[str, str]],
        units: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = [("", _("Chọn vai trò")), *roles]  # type: ignore[attr-defined]
        self.fields["role"].error_messages["invalid_choice"] = _("Vai trò không hợp lệ.")
        self.fields["unit"].choices = [("", _("Toàn tỉnh")), *units]  # type: ignore[attr-defined]
        self.fields["unit"].error_messages["invalid_choice"] = _("Đơn vị không hợp lệ.")
