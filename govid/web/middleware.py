"""Turn Django's bare error responses into pages in the user's language.

(An unavailable directory is turned into its page by govid.directory.middleware.)"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import translation
from django.utils.cache import patch_vary_headers

from govid.web import errors


class FriendlyErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = errors.method_not_allowed(request)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


class LanguageMiddleware:
    """Vietnamese first: the browser's Accept-Language is ignored; only the visible switch
    (its cookie) selects English. Replaces Django's LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class NulBytesMiddleware:
    """A NUL byte in any parameter's name or value is refused with the bad-input page (400).

    No person types one; PostgreSQL cannot store one and raises on any query that carries one,
    also in the libraries' views that read the request themselves (the OIDC token endpoint).
    The body is looked at once the view is known: a view that limits its body's size
    (``body_limited``) checks the size first, then calls ``has_nul_bytes`` itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _nul_in(request.GET):
            return errors.bad_request(request)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        if getattr(view, "body_limited", False):
            return None
        return errors.bad_request(request) if _nul_in_form(request) else None


def has_nul_bytes(request: HttpRequest) -> bool:
    """Whether the query string or a POST form field holds a NUL byte (parses the body)."""
    return _nul_in(request.GET) or _nul_in_form(request)


def _nul_in_form(request: HttpRequest) -> bool:
    return request.method == "POST" and _nul_in(request.POST)


def _nul_in(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in params.getlist(key)) for key in params)
