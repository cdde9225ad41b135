"""The CAS services in the administration (/quan-tri/): registered from the CLI; single logout
and proxying changed here, each change audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from govid.audit.api import record
from govid.sso.cas.models import CasService
from govid.sso.cas.services import ServiceError, check_proxy_callback, describe


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
class CasServiceAdmin(admin.ModelAdmin[CasService]):
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

    def save_model(self, request: HttpRequest, obj: CasService, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(
                "client_changed",
                actor=request.user.get_username(),
                subject=f"cas:{obj.name}",
                **describe(obj),
            )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for service in queryset:
            self.delete_model(request, service)

    def delete_model(self, request: HttpRequest, obj: CasService) -> None:
        with transaction.atomic():
            described = describe(obj)
            super().delete_model(request, obj)
            record(
                "client_removed",
                actor=request.user.get_username(),
                subject=f"cas:{obj.name}",
                **described,
            )
