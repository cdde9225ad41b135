"""CAS services: registering, listing, showing and removing them, and finding the one a
service URL belongs to."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

from govid.audit.api import record
from govid.sso.cas.models import CasService


class ServiceError(ValueError):
    """A one-line reason why the service cannot be added, shown or removed."""


def under(url: str, prefix: str) -> bool:
    """Whether ``url`` is ``prefix`` or below it: "https://a.vn/x" is not below "https://a.v"."""
    if url == prefix:
        return True
    if not url.startswith(prefix):
        return False
    return prefix.endswith("/") or url[len(prefix)] in "/?#"


def find_service(service_url: str) -> CasService | None:
    """The registered service whose prefix ``service_url`` starts with (the longest one)."""
    if not service_url:
        return None
    found = [s for s in CasService.objects.all() if under(service_url, s.service_url)]
    return max(found, key=lambda s: len(s.service_url), default=None)


def add_service(name: str, *, service_url: str, single_logout: bool, actor: str) -> CasService:
    name = name.strip()
    if not name:
        raise ServiceError("a service needs a name")
    parts = urlsplit(service_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
        raise ServiceError(f"service url {service_url!r}: an http(s) address is needed")
    if CasService.objects.filter(name=name).exists():
        raise ServiceError(f"a service named {name!r} exists")
    if CasService.objects.filter(service_url=service_url).exists():
        raise ServiceError(f"service url {service_url!r} is registered already")
    with transaction.atomic():
        service = CasService.objects.create(
            name=name, service_url=service_url, single_logout=single_logout
        )
        record("client_added", actor=actor, subject=f"cas:{name}", **describe(service))
    return service


def get_service(name: str) -> CasService:
    service = CasService.objects.filter(name=name).first()
    if service is None:
        raise ServiceError(f"no CAS service {name!r}")
    return service


def remove_service(name: str, *, actor: str) -> None:
    with transaction.atomic():
        service = get_service(name)
        described = describe(service)
        service.delete()
        record("client_removed", actor=actor, subject=f"cas:{name}", **described)


def describe(service: CasService) -> dict[str, Any]:
    return {
        "name": service.name,
        "protocol": "cas",
        "service_url": service.service_url,
        "single_logout": service.single_logout,
    }


def list_services() -> list[dict[str, Any]]:
    return [describe(service) for service in CasService.objects.order_by("name")]
