"""``{{ login|address }}``: an e-mail address that a narrow screen breaks only after its ``@``
and its dots (``<wbr>``), never inside a name; the ``address`` class keeps the browser from
breaking anywhere else (govid.css)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_AFTER = re.compile(r"([@.])")


@register.filter(is_safe=True)
def address(value: object) -> SafeString:
    text = str(conditional_escape("" if value is None else str(value)))
    # Only after "@" and "." (escaping leaves both as they are): a break opportunity each.
    wrapped = mark_safe(_AFTER.sub(r"\1<wbr>", text))  # noqa: S308  (escaped just above)
    return format_html('<span class="address">{}</span>', wrapped)
