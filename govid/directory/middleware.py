"""The directory down during a request: the 503 page in the user's language, and a log line."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from govid.directory.base import DirectoryUnavailable
from govid.web.api import service_unavailable

log = logging.getLogger("govid.directory")


class DirectoryUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DirectoryUnavailable):
            log.error(
                "directory unavailable during %s %s: %s", request.method, request.path, exception
            )
            return service_unavailable(request)
        return None
