from django.contrib import admin

from govid.directory.models import StoredAccount, Unit
from govid.directory.phones import mask_phone


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(StoredAccount)
class StoredAccountAdmin(admin.ModelAdmin[StoredAccount]):
    list_display = ["login", "name", "unit", "masked_phone", "locked"]
    list_filter = ["locked", "unit"]
    search_fields = ["login", "name"]
    exclude = ["password"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description="Số điện thoại")
    def masked_phone(self, obj: StoredAccount) -> str:
        return mask_phone(obj.phone) if obj.phone else "-"
