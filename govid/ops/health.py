"""/healthz: the process answers. /readyz: everything it depends on answers, each by name."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from govid.directory.api import get_directory
from govid.sms.api import get_gateway

log = logging.getLogger("govid.ops")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("govid:readyz", "1", 5)
    if cache.get("govid:readyz") != "1":
        raise RuntimeError("cache did not keep a value")


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _cache,
    "directory": lambda: get_directory().check(),
    "sms": lambda: get_gateway().check(),
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:
            log.warning("readyz: %s not ready: %s", name, type(error).__name__)
            results[name] = f"error: {type(error).__name__}"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )
