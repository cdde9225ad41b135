"""The SAML service providers in the administration (/quan-tri/): registered from the CLI;
their name, NameID format, signing and attributes changed here, each change audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govid.sso.registrations_admin import AuditedRegistration
from govid.sso.saml.models import ServiceProvider
from govid.sso.saml.registry import describe_saml_sp


@admin.register(ServiceProvider)
class ServiceProviderAdmin(AuditedRegistration, admin.ModelAdmin[ServiceProvider]):
    list_display = ("name", "entity_id", "name_id_format", "sign_response", "created_at")
    search_fields = ("name", "entity_id")
    readonly_fields = ("entity_id", "metadata", "require_signed_requests", "created_at")
    fields = (
        "name",
        "entity_id",
        "name_id_format",
        "sign_response",
        "require_signed_requests",
        "attribute_map",
        "metadata",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # From the SP's metadata only: manage.py sso add-saml-sp --metadata FILE.
        return False

    def audit_subject(self, obj: ServiceProvider) -> str:
        return obj.entity_id

    def audit_details(self, obj: ServiceProvider) -> dict[str, Any]:
        return {"client": obj.name, "protocol": "saml", **describe_saml_sp(obj)}
