"""Registering SAML service providers from their metadata (``manage.py sso add-saml-sp``)."""

from __future__ import annotations

from typing import Any

import defusedxml.ElementTree as SafeET
from django.db import transaction

from govid.audit.api import record
from govid.sso.saml.idp import NAME_ID_FORMATS, Endpoints, server_for
from govid.sso.saml.models import ServiceProvider

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
ATTRIBUTES = ("mail", "displayName", "unit")


class SamlSpError(Exception):
    """Metadata or options govid cannot register; the message says what to fix."""


def add_saml_sp(
    metadata: str,
    *,
    name: str = "",
    sign_response: bool = False,
    name_id_format: str = "",
    attribute_map: dict[str, str | None] | None = None,
    actor: str,
) -> ServiceProvider:
    """Register (or update) the SP that ``metadata`` describes."""
    entity_id, signs_requests = _read_metadata(metadata)
    if name_id_format and name_id_format not in NAME_ID_FORMATS:
        raise SamlSpError(f"unsupported NameID format {name_id_format!r}")
    unknown = sorted(set(attribute_map or {}) - set(ATTRIBUTES))
    if unknown:
        raise SamlSpError(f"unknown attributes {unknown}; govid sends {list(ATTRIBUTES)}")
    sp = ServiceProvider(
        entity_id=entity_id,
        name=name or entity_id,
        metadata=metadata,
        name_id_format=name_id_format,
        sign_response=sign_response,
        require_signed_requests=signs_requests,
        attribute_map=attribute_map or {},
    )
    try:  # pysaml2 must be able to read it: endpoints, certificates
        store = server_for(Endpoints(base="http://check.invalid"), sp).metadata
        consumers = store.assertion_consumer_service(entity_id)
    except Exception as error:
        raise SamlSpError(f"pysaml2 cannot read this metadata: {error}") from None
    if not consumers:
        raise SamlSpError("the metadata names no AssertionConsumerService")
    with transaction.atomic():
        existing = ServiceProvider.objects.filter(entity_id=entity_id).first()
        if existing is not None:
            sp.pk, sp.created_at = existing.pk, existing.created_at
        sp.save()
        record(
            "client_changed" if existing else "client_added",
            actor=actor,
            subject=entity_id,
            client=sp.name,
            protocol="saml",
        )
    return sp


def describe_saml_sp(sp: ServiceProvider) -> dict[str, Any]:
    return {
        "entity_id": sp.entity_id,
        "name": sp.name,
        "name_id_format": sp.name_id_format,
        "sign_response": sp.sign_response,
        "require_signed_requests": sp.require_signed_requests,
        "attribute_map": sp.attribute_map,
        "created_at": sp.created_at.isoformat() if sp.created_at else None,
    }


def list_saml_sps() -> list[dict[str, Any]]:
    return [describe_saml_sp(sp) for sp in ServiceProvider.objects.order_by("name")]


def show_saml_sp(entity_id: str) -> dict[str, Any]:
    sp = ServiceProvider.objects.filter(entity_id=entity_id).first()
    if sp is None:
        raise SamlSpError(f"no SAML service provider {entity_id!r}")
    return {**describe_saml_sp(sp), "metadata": sp.metadata}


def remove_saml_sp(entity_id: str, *, actor: str) -> None:
    with transaction.atomic():
        sp = ServiceProvider.objects.filter(entity_id=entity_id).first()
        if sp is None:
            raise SamlSpError(f"no SAML service provider {entity_id!r}")
        sp.delete()
        record("client_removed", actor=actor, subject=entity_id, client=sp.name, protocol="saml")


def _read_metadata(metadata: str) -> tuple[str, bool]:
    """The entity id of the one SP the metadata describes, and whether it signs requests."""
    try:
        root = SafeET.fromstring(metadata.encode())
    except Exception as error:  # not XML, or XML with entities
        raise SamlSpError(f"the metadata is not valid XML: {error}") from None
    entities = (
        [root] if root.tag == f"{MD}EntityDescriptor" else root.findall(f"{MD}EntityDescriptor")
    )
    sps = [e for e in entities if e.find(f"{MD}SPSSODescriptor") is not None]
    if len(sps) != 1:
        raise SamlSpError("the metadata must describe exactly one SAML service provider")
    entity_id = (sps[0].get("entityID") or "").strip()
    if not entity_id:
        raise SamlSpError("the metadata has no entityID")
    descriptor = sps[0].find(f"{MD}SPSSODescriptor")
    assert descriptor is not None  # noqa: S101  (found above)
    signs = descriptor.get("AuthnRequestsSigned", "false").strip().lower() in ("true", "1")
    return entity_id, signs
