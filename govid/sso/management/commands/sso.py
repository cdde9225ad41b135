"""manage.py sso add-client|list-clients|remove-client|rotate-key, and the SAML service
providers: add-saml-sp|list-saml-sp|show-saml-sp|remove-saml-sp, and the CAS services:
add-cas-service|list-cas-services|show-cas-service|remove-cas-service, and the portal's
tiles: add-tile|list-tiles|remove-tile (JSON out)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from govid.audit.api import record
from govid.sso.cas import cli as cas
from govid.sso.cas.services import ServiceError
from govid.sso.clients import ClientError, add_client, list_clients, remove_client
from govid.sso.conf import sso_settings
from govid.sso.keys import rotate_signing_key
from govid.sso.portal import cli as portal
from govid.sso.portal.tiles import TileError
from govid.sso.saml import registry as saml


class Command(BaseCommand):
    help = "Manage the relying parties (OpenID Connect clients) and the signing key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-client", help="register a client; prints its id and secret")
        add.add_argument("name")
        add.add_argument("--redirect-uri", action="append", default=[], required=True)
        add.add_argument("--post-logout-uri", action="append", default=[])
        add.add_argument("--public", action="store_true", help="no secret; PKCE required")
        add.add_argument("--trusted", action="store_true", help="no consent page, full phone")
        add.add_argument("--backchannel-logout-uri", default="", help="gets the logout token")
        add.add_argument("--frontchannel-logout-uri", default="", help="framed at sign-out")
        sub.add_parser("list-clients", help="list the clients as JSON")
        remove = sub.add_parser("remove-client", help="remove a client and its tokens")
        remove.add_argument("client_id")
        sub.add_parser("rotate-key", help="new signing key; the old one stays in the JWKS")
        add_sp = sub.add_parser("add-saml-sp", help="register a SAML SP from its metadata")
        add_sp.add_argument("--metadata", required=True, help="the SP's metadata (XML file)")
        add_sp.add_argument("--name", default="", help="the name people see")
        add_sp.add_argument("--sign-response", action="store_true", help="sign the Response too")
        add_sp.add_argument("--name-id-format", default="", help="when the SP asks none")
        add_sp.add_argument(
            "--attribute", action="append", default=[], metavar="ATTR=NAME",
            help="send mail/displayName/unit under NAME (empty NAME: not at all)",
        )  # fmt: skip
        sub.add_parser("list-saml-sp", help="list the SAML SPs as JSON")
        for verb in ("show-saml-sp", "remove-saml-sp"):
            sub.add_parser(verb).add_argument("entity_id")
        cas.add_arguments(sub)
        portal.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add-client":
                application, secret = add_client(
                    options["name"],
                    redirect_uris=options["redirect_uri"],
                    post_logout_uris=options["post_logout_uri"],
                    public=options["public"],
                    trusted=options["trusted"],
                    backchannel_logout_uri=options["backchannel_logout_uri"],
                    frontchannel_logout_uri=options["frontchannel_logout_uri"],
                    actor="cli",
                )
                self._json({"client_id": application.client_id, "client_secret": secret})
            elif "-cas-service" in action:
                self._json(cas.handle(action, options))
            elif action.endswith(("-tile", "-tiles")):
                self._json(portal.handle(action, options))
            elif action.endswith("-saml-sp"):
                self._saml(action, options)
            elif action == "list-clients":
                self._json(list_clients())
            elif action == "remove-client":
                remove_client(options["client_id"], actor="cli")
                self._json({"client_id": options["client_id"], "removed": True})
            else:
                self._rotate()
        except (ClientError, saml.SamlSpError, ServiceError, TileError) as error:
            raise CommandError(str(error)) from None

    def _saml(self, action: str, options: dict[str, Any]) -> None:
        if action == "add-saml-sp":
            try:
                with open(options["metadata"], encoding="utf-8") as handle:
                    metadata = handle.read()
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"cannot read {options['metadata']}: {error}") from None
            pairs = [item.partition("=") for item in options["attribute"]]
            sp = saml.add_saml_sp(
                metadata,
                name=options["name"],
                sign_response=options["sign_response"],
                name_id_format=options["name_id_format"],
                attribute_map={key: value or None for key, _eq, value in pairs},
                actor="cli",
            )
            self._json(saml.describe_saml_sp(sp))
        elif action == "list-saml-sp":
            self._json(saml.list_saml_sps())
        elif action == "show-saml-sp":
            self._json(saml.show_saml_sp(options["entity_id"]))
        else:
            saml.remove_saml_sp(options["entity_id"], actor="cli")
            self._json({"entity_id": options["entity_id"], "removed": True})

    def _rotate(self) -> None:
        # Keys retired longer ago than an ID token lives (plus a day of JWKS caching) go.
        keep = sso_settings().id_token_ttl + timedelta(days=1)
        retired = rotate_signing_key(settings.VAR_DIR, keep_retired_for=keep)
        with transaction.atomic():
            record("signing_key_rotated", actor="cli", retired=len(retired))
        self._json({"rotated": True, "retired_keys": retired, "restart_needed": True})

    def _json(self, value: Any) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False))
