"""The helpdesk's list of messages: filter by account, phone, state, date; phones masked."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from govid.phones import InvalidPhone, normalize_phone
from govid.sms.models import Message


class AccountFilter(admin.SimpleListFilter):
    """?account=login: one account's messages (the account page links here)."""

    title = _("tài khoản")
    parameter_name = "account"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Message]) -> QuerySet[Message]:
        value = self.value()
        return queryset.filter(account=value) if value else queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = [
        "queued_at",
        "account",
        "masked_phone",
        "purpose",
        "state",
        "gateway",
        "attempts",
        "last_error",
    ]
    list_filter = [
        "state",
        "purpose",
        "gateway",
        AccountFilter,
        ("queued_at", admin.DateFieldListFilter),
    ]
    date_hierarchy = "queued_at"
    search_fields = ["account"]
    search_help_text = _("Tài khoản, hoặc số điện thoại viết đầy đủ (tìm đúng số đó)")
    fields = readonly_fields = (
        "ref",
        "account",
        "masked_phone",
        "purpose",
        "text",
        "state",
        "gateway",
        "provider_id",
        "attempts",
        "last_error",
        "queued_at",
        "sent_at",
        "delivered_at",
        "failed_at",
    )

    @admin.display(description=_("Số điện thoại"), ordering="to")
    def masked_phone(self, obj: Message) -> str:
        return obj.masked_to

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Message], search_term: str
    ) -> tuple[QuerySet[Message], bool]:
        # A phone is searched whole, in any written form; the list still shows it masked.
        try:
            phone = normalize_phone(search_term)
        except InvalidPhone:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(to=phone), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False
