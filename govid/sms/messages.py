"""The texts govid sends: the deployment's templates, rendered unaccented into one GSM-7 SMS."""

from __future__ import annotations

import string
from datetime import datetime

from django.utils import timezone

from govid.diacritics import unaccent
from govid.sms.conf import sms_settings
from govid.sms.text import fits_one_segment, gsm7_length

# What the message record keeps in place of a code: the text is stored, the secret is not.
REDACTED_CODE = "******"


class MessageTooLong(ValueError):
    """A rendered text does not fit one SMS; the deployment's template must be shortened."""


def render(template: str, **values: object) -> str:
    text = unaccent(template.format(**values))
    if not fits_one_segment(text):
        length = gsm7_length(text)
        why = "not GSM-7" if length is None else f"{length} characters, over 160"
        raise MessageTooLong(f"{why}: {text!r}")
    return text


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template uses."""
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def code_text(code: str, *, minutes: int) -> str:
    return render(sms_settings().code_template, code=code, minutes=minutes)


def redacted_code_text(*, minutes: int) -> str:
    """The code SMS as the message record keeps it."""
    return code_text(REDACTED_CODE, minutes=minutes)


def password_changed_text(at: datetime, *, support: str) -> str:
    local = timezone.localtime(at)
    return render(sms_settings().notice_template, time=f"{local:%H:%M %d/%m/%Y}", support=support)
