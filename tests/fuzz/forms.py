"""The property every form must hold, whatever it is given."""

from __future__ import annotations

from django import forms


def check_form(form: forms.Form) -> None:
    """Validation ends with True or False (never an exception); every error is a sentence in
    the active language; the form renders again; what it accepts is bounded and NUL-free."""
    valid = form.is_valid()
    assert isinstance(valid, bool)
    for errors in form.errors.values():
        for message in errors:
            assert isinstance(message, str) and message.strip()
            assert "This field" not in message  # Django's English default slipped through
    form.as_div()
    if valid:
        for name, value in form.cleaned_data.items():
            field = form.fields[name]
            if isinstance(value, str):
                assert "\x00" not in value, name
                limit = getattr(field, "max_length", None)
                assert limit is None or len(value) <= limit, name
