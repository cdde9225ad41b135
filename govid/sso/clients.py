"""Relying parties: registering, listing and removing the systems that sign in through govid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application
from oauth2_provider.validators import AllowedURIValidator

from govid.audit.api import record
from govid.sso.models import RelyingParty


class ClientError(ValueError):
    """A one-line reason why the client cannot be added or removed."""


def _check_uris(uris: Sequence[str], what: str) -> None:
    validator = AllowedURIValidator(
        Application().get_allowed_schemes(), name=what, allow_path=True, allow_query=True
    )
    for uri in uris:
        try:
            validator(uri)
        except ValidationError as error:
            raise ClientError(f"{what} {uri!r}: {'; '.join(error.messages)}") from None


def add_client(
    name: str,
    *,
    redirect_uris: Sequence[str],
    post_logout_uris: Sequence[str] = (),
    public: bool = False,
    trusted: bool = False,
    client_id: str | None = None,
    backchannel_logout_uri: str = "",
    frontchannel_logout_uri: str = "",
    actor: str,
) -> tuple[Application, str | None]:
    """Register a client for the code flow; the secret is returned once (None if public)."""
    if not name.strip():
        raise ClientError("a client needs a name")
    if not redirect_uris:
        raise ClientError("a client needs at least one --redirect-uri")
    _check_uris(redirect_uris, "redirect uri")
    _check_uris(post_logout_uris, "post-logout uri")
    _check_logout_uri(backchannel_logout_uri, "back-channel logout uri")
    _check_logout_uri(frontchannel_logout_uri, "front-channel logout uri")
    secret = None if public else generate_client_secret()
    application = Application(
        name=name.strip(),
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_uris),
        algorithm=Application.RS256_ALGORITHM,
    )
    if client_id is not None:
        application.client_id = client_id
    if secret is not None:
        application.client_secret = secret  # hashed when saved; shown only this once
    with transaction.atomic():
        application.save()
        RelyingParty.objects.create(
            application=application,
            trusted=trusted,
            backchannel_logout_uri=backchannel_logout_uri,
            frontchannel_logout_uri=frontchannel_logout_uri,
        )
        record("client_added", actor=actor, subject=application.client_id, **describe(application))
    return application, secret


def _check_logout_uri(uri: str, what: str) -> None:
    """An http(s) address without a fragment (Back-/Front-Channel Logout 1.0, section 2.2)."""
    if not uri:
        return
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise ClientError(f"{what} {uri!r}: an http(s) address without a fragment is needed")


def remove_client(client_id: str, *, actor: str) -> None:
    """Remove a client and, with it, every token it holds."""
    with transaction.atomic():
        application = Application.objects.filter(client_id=client_id).first()
        if application is None:
            raise ClientError(f"no client {client_id!r}")
        described = describe(application)
        application.delete()
        record("client_removed", actor=actor, subject=client_id, **described)


def describe(application: Application) -> dict[str, Any]:
    """A client as the command line and the audit log show it (never its secret)."""
    party = RelyingParty.objects.filter(application=application).first()
    return {
        "name": application.name,
        "public": application.client_type == Application.CLIENT_PUBLIC,
        "trusted": bool(party and party.trusted),
        "redirect_uris": application.redirect_uris.split(),
        "post_logout_uris": application.post_logout_redirect_uris.split(),
        "backchannel_logout_uri": party.backchannel_logout_uri if party else "",
        "frontchannel_logout_uri": party.frontchannel_logout_uri if party else "",
    }


def list_clients() -> list[dict[str, Any]]:
    return [
        {"client_id": application.client_id, **describe(application)}
        for application in Application.objects.order_by("name", "id")
    ]


def client_name_for(next_url: str | None) -> str | None:
    """The relying party a login page is about to continue to, from its ``next`` address."""
    if not next_url:
        return None
    target = urlsplit(next_url)
    if target.path != reverse("oauth2_provider:authorize"):
        return None
    client_id = parse_qs(target.query).get("client_id", [""])[0]
    name = Application.objects.filter(client_id=client_id).values_list("name", flat=True).first()
    return name or None
