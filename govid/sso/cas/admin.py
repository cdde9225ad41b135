"""The CAS services in the administration (/quan-tri/): registered from the CLI; single logout
and proxying changed here, each change audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from govid.sso.cas.models import CasService
from govid.sso.cas.services import ServiceError, check_proxy_callback, describe
from govid.sso.registrations_admin import AuditedRegistration


class CasServiceForm(forms.ModelForm[CasService]):
    proxy_callback = forms.URLField(
        label=CasService._meta.get_field("proxy_callback").verbose_name,
        required=False,
        max_length=500,
        assume_scheme="https",  # a bare host name is an https address (Django 6's default)
    )

    class Meta:
        model = CasService
        fields = ("single_logout", "proxy_callback", "accept_proxies")

    def clean_proxy_callback(self) -> str:
        prefix = str(self.cleaned_data.get("proxy_callback") or "")
        if prefix:
            try:
                check_proxy_callback(prefix)
            except ServiceError as refused:
                raise forms.ValidationError(str(refused)) from None
        return prefix


@admin.register(CasService)
class CasServiceAdmin(AuditedRegistration, admin.ModelAdmin[CasService]):
    form = CasServiceForm
    list_display = (
        "name",
        "service_url",
        "single_logout",
        "proxy_callback",
        "accept_proxies",
        "created_at",
    )
    search_fields = ("name", "service_url")
    readonly_fields = ("name", "service_url", "created_at")
    fields = (
        "name",
        "service_url",
        "single_logout",
        "proxy_callback",
        "accept_proxies",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # By its URL prefix only: manage.py sso add-cas-service NAME --service-url PREFIX.
        return False

    def audit_subject(self, obj: CasService) -> str:
        return f"cas:{obj.name}"

    def audit_details(self, obj: CasService) -> dict[str, Any]:
        return describe(obj)
