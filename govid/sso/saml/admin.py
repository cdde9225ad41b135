"""The SAML service providers in the administration (/quan-tri/), registered from the CLI."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from govid.sso.saml.models import ServiceProvider


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin[ServiceProvider]):
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
