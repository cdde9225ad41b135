"""Give each request an id (in logs and the X-Request-ID header) and time it."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from govid.ops.metrics import LATENCY
from govid.ops.requests import request_id, request_id_var


class RequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id(request)
        # Not reset afterwards: Django logs a 4xx/5xx after the middleware returns, and that
        # line must carry the id too; the next request on this thread sets its own.
        request_id_var.set(rid)
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = match.view_name if match else "unmatched"
        LATENCY.labels(view=view, method=request.method or "", status=response.status_code).observe(
            time.perf_counter() - started
        )
        response["X-Request-ID"] = rid
        return response
