"""Administration: people who signed in (with their login hold) and the relying parties."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from oauth2_provider.admin import ApplicationAdmin
from oauth2_provider.models import Application

from govid.audit.api import last_time_of, record
from govid.directory.api import access_ended
from govid.sso import holds
from govid.sso.clients import describe
from govid.sso.models import RelyingParty, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["login", "name", "is_staff", "last_login"]
    search_fields = ["login", "name"]
    fields = ["login", "name", "sub", "is_active", "is_staff", "is_superuser", "last_login"]
    readonly_fields = ["login", "sub", "last_login"]
    actions = ["release_hold"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .annotate(last_seen=last_time_of("login", OuterRef("login")))
        )

    @admin.display(description="Đăng nhập lần cuối", ordering="last_seen")
    def last_login(self, user: User) -> Any:
        """From the audit log, which records every login."""
        return getattr(user, "last_seen", None)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        # Only a superuser hands out the administration's powers, and nobody edits their own:
        # another administrator does (so none grants themselves more, or locks the door).
        powers = ["is_active", "is_staff", "is_superuser"]
        if not request.user.is_superuser or (obj is not None and obj.pk == request.user.pk):
            return [*self.readonly_fields, *powers]
        return self.readonly_fields

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[Any], change: bool
    ) -> None:
        powers = ("is_active", "is_staff", "is_superuser")
        stored = User.objects.filter(pk=obj.pk).first()
        was = {name: getattr(stored, name) for name in powers} if stored else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            actor = request.user.get_username()
            changed = {name: getattr(obj, name) for name in was if was[name] != getattr(obj, name)}
            if changed:
                record("user_changed", actor=actor, subject=obj.login, **changed)
            lost = [name for name, value in changed.items() if not value]
            if lost:  # disabled, or a power taken away: what the account holds ends now
                reason = "disabled" if "is_active" in lost else "role_revoked"
                access_ended.send(sender=User, login=obj.login, reason=reason, actor=actor)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A user row is made at the person's first login, from the directory; added by hand it
        # would have no login (the field is read-only here) and clash with the next one.
        return False

    @admin.action(description="Gỡ tạm ngừng đăng nhập (do nhập sai mật khẩu nhiều lần)")
    def release_hold(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user.get_username()
        released = [user.login for user in queryset if holds.release(user.login, actor=actor)]
        if released:
            self.message_user(request, "Đã gỡ: " + ", ".join(released), messages.SUCCESS)
        else:
            self.message_user(request, "Không tài khoản nào đang bị tạm ngừng.", messages.INFO)


class RelyingPartyInline(admin.StackedInline[RelyingParty, Application]):
    model = RelyingParty
    can_delete = False
    fields = ["trusted"]


admin.site.unregister(Application)


@admin.register(Application)
class ClientAdmin(ApplicationAdmin):  # type: ignore[misc]
    """django-oauth-toolkit's form, plus the trusted flag and an audit row per change."""

    inlines = [RelyingPartyInline]

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            application = form.instance
            record(
                "client_changed" if change else "client_added",
                actor=request.user.get_username(),
                subject=application.client_id,
                **describe(application),
            )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        for application in queryset:
            self.delete_model(request, application)

    def delete_model(self, request: HttpRequest, obj: Application) -> None:
        with transaction.atomic():
            described = describe(obj)
            super().delete_model(request, obj)
            record(
                "client_removed",
                actor=request.user.get_username(),
                subject=obj.client_id,
                **described,
            )
