"""Pages that are the same for every visitor, rendered once per process.

The login page as a new visitor first sees it (and the recovery's success dialog) differs from
one visitor to the next only by the CSRF token. Rendering it with Django's templates cost more
CPU than everything else a login does but the password hash, at 7:30 when the whole province
signs in; so it is rendered once per language and path, and each answer gets the visitor's own
token. Only for pages whose context holds nothing of the visitor's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

_TOKEN = "govid-csrf-token-placeholder"  # noqa: S105  (a marker, not a secret)
_rendered: dict[tuple[str, str, str], str] = {}


def render_shared(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """``render()`` for a page whose ``context`` holds nothing of this visitor's own.

    A request with a query string or with messages to show is rendered as usual.
    """
    if request.GET or len(get_messages(request)):
        return render(request, template, context)
    key = (template, request.path, translation.get_language() or "")
    page = _rendered.get(key)
    if page is None:
        page = _rendered[key] = render_to_string(
            template, {**context, "csrf_token": _TOKEN}, request
        )
    return HttpResponse(page.replace(_TOKEN, get_token(request)))


@receiver(setting_changed)
def _forget_pages(**kwargs: object) -> None:
    _rendered.clear()  # branding, support contact, languages: all in the pages
