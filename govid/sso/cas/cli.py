"""``manage.py sso`` for CAS services: add-cas-service|list-cas-services|show-cas-service|
remove-cas-service."""

from __future__ import annotations

from typing import Any

from govid.sso.cas import services


def add_arguments(sub: Any) -> None:
    add = sub.add_parser("add-cas-service", help="register a CAS service by its URL prefix")
    add.add_argument("name")
    add.add_argument("--service-url", required=True, help="every service URL under this prefix")
    add.add_argument(
        "--single-logout", action="store_true", help="POST a logoutRequest at sign-out"
    )
    add.add_argument(
        "--proxy-callback",
        default="",
        metavar="URL_PREFIX",
        help="may proxy: proxy-granting tickets go to a pgtUrl under this https prefix",
    )
    add.add_argument(
        "--accept-proxies", action="store_true", help="accept proxy tickets from other services"
    )
    sub.add_parser("list-cas-services", help="list the CAS services as JSON")
    for verb in ("show-cas-service", "remove-cas-service"):
        sub.add_parser(verb).add_argument("name")


def handle(action: str, options: dict[str, Any]) -> Any:
    """The JSON to print for ``action``; ServiceError for a refusal."""
    if action == "add-cas-service":
        service = services.add_service(
            options["name"],
            service_url=options["service_url"],
            single_logout=options["single_logout"],
            proxy_callback=options["proxy_callback"],
            accept_proxies=options["accept_proxies"],
            actor="cli",
        )
        return services.describe(service)
    if action == "list-cas-services":
        return services.list_services()
    if action == "show-cas-service":
        return services.describe(services.get_service(options["name"]))
    services.remove_service(options["name"], actor="cli")
    return {"name": options["name"], "removed": True}
