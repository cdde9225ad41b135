"""CAS services: registering, listing, showing and removing them, and finding the one a
service URL belongs to."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

from govid.audit.api import record
from govid.sso.cas.models import CasService

# The hosts a plain-http proxy callback may name: this machine (tests, a local proxy).
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


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


def check_proxy_callback(prefix: str) -> None:
    """A proxy callback receives proxy-granting tickets: https, or http on this machine only."""
    parts = urlsplit(prefix)
    loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not (parts.scheme == "https" or loopback) or not parts.hostname or parts.fragment:
        raise ServiceError(
            f"proxy callback {prefix!r}: an https address is needed (http only on 127.0.0.1)"
        )


def add_service(
    name: str,
    *,
    service_url: str,
    single_logout: bool,
    actor: str,
    proxy_callback: str = "",
    accept_proxies: bool = False,
) -> CasService:
    name = name.strip()
    if not name:
        raise ServiceError("a service needs a name")
    parts = urlsplit(service_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
        raise ServiceError(f"service url {service_url!r}: an http(s) address is needed")
    if proxy_callback:
        check_proxy_callback(proxy_callback)
    if CasService.objects.filter(name=name).exists():
        raise ServiceError(f"a service named {name!r} exists")
    if CasService.objects.filter(service_url=service_url).exists():
        raise ServiceError(f"service url {service_url!r} is registered already")
    with transaction.atomic():
        service = CasService.objects.create(
            name=name,
            service_url=service_url,
            single_logout=single_logout,
            proxy_callback=proxy_callback,
            accept_proxies=accept_proxies,
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
        "proxy_callback": service.proxy_callback,
        "accept_proxies": service.accept_proxies,
    }


def list_services() -> list[dict[str, Any]]:
    return [describe(service) for service in CasService.objects.order_by("name")]
