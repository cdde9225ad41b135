from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from govid.audit.api import record
from govid.directory import canonical_address, canonical_login, get_directory
from govid.directory.changes import set_locked
from govid.directory.imports.messages import row_error_message
from govid.directory.imports.plan import RowError
from govid.directory.models import StoredAccount, Unit
from govid.phones import InvalidPhone, mask_phone, normalize_phone
from govid.sms.api import recent_for_account


def _changes(form: forms.ModelForm[Any]) -> dict[str, str]:
    """The fields a form changed, with their new values as the audit keeps them (a unit by
    its code)."""
    changed: dict[str, str] = {}
    for name in form.changed_data:
        value = form.cleaned_data.get(name)
        changed[name] = value.code if isinstance(value, Unit) else str(value or "")
    return changed


class _AuditedRows:
    """For the directory's ModelAdmins: a row added or changed here is audited in the save's
    transaction (``added`` with ``added_details``, ``changed`` with the changed fields), and
    never removed here."""

    added = ""
    changed = ""

    def audit_subject(self, obj: Any) -> str:
        raise NotImplementedError

    def added_details(self, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            actor, subject = request.user.get_username(), self.audit_subject(obj)
            if not change:
                record(self.added, actor=actor, subject=subject, **self.added_details(obj))
            elif changed := _changes(form):
                record(self.changed, actor=actor, subject=subject, **changed)


@admin.register(Unit)
class UnitAdmin(_AuditedRows, admin.ModelAdmin[Unit]):
    """Units: added and changed here, each change audited. A unit's code names it in role
    grants and requests, so it is kept once made; a unit is never removed here (accounts,
    grants and the audit name it)."""

    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> Any:
        return ["code"] if obj is not None else []

    # Moving a unit under another district moves it into that district's scope: audited.
    added, changed = "unit_added", "unit_changed"

    def audit_subject(self, obj: Unit) -> str:
        return obj.code

    def added_details(self, obj: Unit) -> dict[str, Any]:
        return {"name": obj.name, "parent": obj.parent.code if obj.parent else ""}


class StoredAccountForm(forms.ModelForm[StoredAccount]):
    """A new account's login, as every other way in has it: canonical, of the province."""

    class Meta:
        model = StoredAccount
        fields = ["login", "name", "unit", "phone", "locked"]

    def clean_login(self) -> str:
        typed = self.cleaned_data["login"]
        login = canonical_login(typed)
        if login is None and canonical_address(typed) is not None:
            raise forms.ValidationError(
                _("Email này không thuộc tên miền thư công vụ của tỉnh: chỉ nhận địa chỉ công vụ."),
                code="email_other_domain",
            )
        if login is None:
            raise forms.ValidationError(_("Email công vụ không hợp lệ."), code="email_invalid")
        return login

    def clean_phone(self) -> str:
        """A new account's mobile number, stored as every other way in stores it (E.164)."""
        typed = str(self.cleaned_data.get("phone") or "").strip()
        if not typed:
            return ""
        try:
            return normalize_phone(typed)
        except InvalidPhone as invalid:
            message = row_error_message(RowError(line=0, column="phone", code=invalid.code))
            raise forms.ValidationError(message, code=invalid.code) from None


@admin.register(StoredAccount)
class StoredAccountAdmin(_AuditedRows, admin.ModelAdmin[StoredAccount]):
    form = StoredAccountForm
    list_display = ["login", "name", "unit", "masked_phone", "locked"]
    list_filter = ["locked", "unit"]
    search_fields = ["login", "name"]
    exclude = ["password"]
    readonly_fields = ["created_at", "updated_at", "recent_sms"]
    actions = ["lock", "unlock"]

    def get_readonly_fields(self, request: HttpRequest, obj: StoredAccount | None = None) -> Any:
        # On file, a phone is a credential and a lock ends sessions: neither is edited here.
        # The phone changes through a request of the back office (three people), the lock
        # with the actions below, which end the account's sessions, tokens and challenges.
        if obj is None:
            return self.readonly_fields
        return ["login", "phone", "locked", *self.readonly_fields]

    # An account is locked, not removed (_AuditedRows): the lock ends its sessions, tokens and
    # challenges and the audit keeps who it was; a removed row would leave them running.
    added, changed = "account_added", "account_changed"

    def audit_subject(self, obj: StoredAccount) -> str:
        return obj.login

    def added_details(self, obj: StoredAccount) -> dict[str, Any]:
        locked: dict[str, Any] = {"locked": True} if obj.locked else {}
        return {"unit": obj.unit.code, "has_phone": bool(obj.phone), **locked}

    @admin.action(description=gettext_lazy("Khoá tài khoản (kết thúc mọi phiên đăng nhập)"))
    def lock(self, request: HttpRequest, queryset: QuerySet[StoredAccount]) -> None:
        self._set_locked(request, queryset, locked=True)

    @admin.action(description=gettext_lazy("Mở khoá tài khoản"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[StoredAccount]) -> None:
        self._set_locked(request, queryset, locked=False)

    def _set_locked(
        self, request: HttpRequest, queryset: QuerySet[StoredAccount], *, locked: bool
    ) -> None:
        directory = get_directory()
        done = []
        with transaction.atomic():
            for row in queryset:
                account = directory.find(row.login)
                if account is not None and account.locked != locked:
                    set_locked(account, locked, actor=request.user.get_username())
                    done.append(account.login)
        word = _("Đã khoá") if locked else _("Đã mở khoá")
        self.message_user(request, f"{word}: {', '.join(done) or '-'}", messages.SUCCESS)

    @admin.display(description=gettext_lazy("Số điện thoại"))
    def masked_phone(self, obj: StoredAccount) -> str:
        return mask_phone(obj.phone) if obj.phone else "-"

    @admin.display(description=gettext_lazy("Tin nhắn gần đây"))
    def recent_sms(self, obj: StoredAccount) -> SafeString:
        """The account's last SMS and what became of each: "SMS not received" in seconds."""
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{m.queued_at:%d/%m/%Y %H:%M:%S}",
                    m.masked_to,
                    m.purpose,
                    m.state,
                    m.gateway or "-",
                    m.last_error or "",
                )
                for m in recent_for_account(obj.login)
            ),
        )
        if not rows:
            return format_html("{}", _("Chưa có tin nhắn nào."))
        link = reverse("admin:sms_message_changelist") + "?" + urlencode({"account": obj.login})
        head = format_html_join(
            "",
            "<th>{}</th>",
            (
                (word,)
                for word in (
                    _("Lúc"),
                    pgettext("điện thoại", "Số"),
                    _("Loại"),
                    _("Trạng thái"),
                    _("Cổng"),
                    _("Lỗi"),
                )
            ),
        )
        return format_html(
            '<table class="recent-sms"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
            '<p><a href="{}">{}</a></p>',
            head,
            rows,
            link,
            _("Tất cả tin nhắn của tài khoản"),
        )
