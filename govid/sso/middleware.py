"""Ending sessions that are past their idle or absolute timeout, before the view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from govid.sso.sessions import session_expired


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware: an expired session is ended server-side, the request
    goes on as anonymous (so a protected page sends the person to the login page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and session_expired(request.session):
            logout(request)
        return self.get_response(request)
