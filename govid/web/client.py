from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from (behind a proxy, see the deployment's settings)."""
    ip: str | None = request.META.get("REMOTE_ADDR") or None
    return ip
