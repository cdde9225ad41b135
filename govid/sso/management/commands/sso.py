"""manage.py sso add-client|list-clients|remove-client|rotate-key (JSON out)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from govid.audit.api import record
from govid.sso.clients import ClientError, add_client, list_clients, remove_client
from govid.sso.conf import sso_settings
from govid.sso.keys import rotate_signing_key


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
        sub.add_parser("list-clients", help="list the clients as JSON")
        remove = sub.add_parser("remove-client", help="remove a client and its tokens")
        remove.add_argument("client_id")
        sub.add_parser("rotate-key", help="new signing key; the old one stays in the JWKS")

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
                    actor="cli",
                )
                self._json({"client_id": application.client_id, "client_secret": secret})
            elif action == "list-clients":
                self._json(list_clients())
            elif action == "remove-client":
                remove_client(options["client_id"], actor="cli")
                self._json({"client_id": options["client_id"], "removed": True})
            else:
                self._rotate()
        except ClientError as error:
            raise CommandError(str(error)) from None

    def _rotate(self) -> None:
        # Keys retired longer ago than an ID token lives (plus a day of JWKS caching) go.
        keep = sso_settings().id_token_ttl + timedelta(days=1)
        retired = rotate_signing_key(settings.VAR_DIR, keep_retired_for=keep)
        with transaction.atomic():
            record("signing_key_rotated", actor="cli", retired=len(retired))
        self._json({"rotated": True, "retired_keys": retired, "restart_needed": True})

    def _json(self, value: Any) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False))
