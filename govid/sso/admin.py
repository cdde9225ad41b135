"""Administration: people who signed in (with their login hold), the relying parties and the
tokens they hold, every name and column in Vietnamese (English through the switch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin  # noqa: F401  (registers Group first)
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise
from oauth2_provider import admin as dot
from oauth2_provider.models import (
    AccessToken,
    Application,
    Grant,
    IDToken,
    RefreshToken,
    revoke_access_token,
)

from govid.audit.api import last_time_of, record
from govid.directory.api import access_ended
from govid.sso import holds
from govid.sso.clients import describe
from govid.sso.models import RelyingParty, User
from govid.sso.registrations_admin import AuditedRegistration


def column(
    attribute: str, label: StrOrPromise, *, ordering: str | None = "", boolean: bool = False
) -> Callable[[Any], Any]:
    """A list column showing ``attribute`` under a Vietnamese heading (a third-party model's
    fields keep their English names: its migrations own them)."""

    def show(obj: Any) -> Any:
        value = getattr(obj, attribute)
        return value() if callable(value) else value

    show.__name__ = attribute
    return admin.display(
        description=label, ordering=attribute if ordering == "" else ordering, boolean=boolean
    )(show)


def titled(base: type[admin.FieldListFilter], title: StrOrPromise) -> type[admin.FieldListFilter]:
    """``base``, the filter of a third-party model's field, under a Vietnamese title."""

    class Titled(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


# Django's permission groups: unused. Who may do what lives in the back office's roles
# (/van-phong/phan-quyen/), and rights in the administration come from the superuser flag
# alone; an empty "Nhóm" page would only suggest a second place to grant them.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


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

    @admin.display(description=_("Đăng nhập lần cuối"), ordering="last_seen")
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

    @admin.action(description=_("Gỡ tạm ngừng đăng nhập (do nhập sai mật khẩu nhiều lần)"))
    def release_hold(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user.get_username()
        released = [user.login for user in queryset if holds.release(user.login, actor=actor)]
        if released:
            self.message_user(request, _("Đã gỡ: ") + ", ".join(released), messages.SUCCESS)
        else:
            self.message_user(request, _("Không tài khoản nào đang bị tạm ngừng."), messages.INFO)


class RelyingPartyInline(admin.StackedInline[RelyingParty, Application]):
    model = RelyingParty
    can_delete = False
    fields = ["trusted"]


CLIENT_TYPES = [
    (Application.CLIENT_CONFIDENTIAL, _("bảo mật (có mật khẩu ứng dụng)")),
    (Application.CLIENT_PUBLIC, _("công khai")),
]


class ClientTypeFilter(admin.SimpleListFilter):
    title = _("loại")
    parameter_name = "client_type__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return CLIENT_TYPES

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Application]
    ) -> QuerySet[Application]:
        value = self.value()
        return queryset.filter(client_type=value) if value else queryset


class ClientForm(dot.ApplicationForm):  # type: ignore[misc]
    """The toolkit's form (its client secret help and HS256 warning), labelled in Vietnamese."""

    LABELS = {
        "client_id": (_("mã ứng dụng (client ID)"), None),
        "user": (_("người dùng sở hữu"), None),
        "redirect_uris": (
            _("địa chỉ quay về"),
            _("Các địa chỉ được phép quay về sau đăng nhập, cách nhau bằng dấu cách"),
        ),
        "post_logout_redirect_uris": (
            _("địa chỉ quay về sau đăng xuất"),
            _("Các địa chỉ được phép quay về sau đăng xuất, cách nhau bằng dấu cách"),
        ),
        "client_type": (_("loại"), None),
        "authorization_grant_type": (_("cách cấp quyền"), None),
        "client_secret": (_("mật khẩu ứng dụng (client secret)"), None),
        "hash_client_secret": (_("chỉ lưu bản băm của mật khẩu ứng dụng"), None),
        "name": (_("tên"), None),
        "skip_authorization": (_("không hỏi ý kiến"), None),
        "algorithm": (_("thuật toán ký"), None),
        "allowed_origins": (
            _("nguồn được phép (CORS)"),
            _("Các nguồn được phép gọi từ trình duyệt, cách nhau bằng dấu cách"),
        ),
    }
    GRANTS = {
        Application.GRANT_AUTHORIZATION_CODE: _("Mã cấp quyền (authorization code)"),
        Application.GRANT_CLIENT_CREDENTIALS: _("Mật khẩu ứng dụng (client credentials)"),
        Application.GRANT_DEVICE_CODE: _("Mã thiết bị (device code)"),
        Application.GRANT_IMPLICIT: _("Ngầm định (implicit)"),
        Application.GRANT_PASSWORD: _("Mật khẩu người dùng (password)"),
        Application.GRANT_OPENID_HYBRID: _("OpenID Connect kết hợp (hybrid)"),
    }
    # The toolkit's help for the client secret (its words, exactly), in Vietnamese.
    SECRET_HELP = {
        "The client secret is hashed and can no longer be viewed. To rotate it, enter a new "
        "value and copy it before saving; the original secret cannot be recovered.": _(
            "Mật khẩu ứng dụng đã được băm, không xem lại được. Muốn đổi: nhập giá trị mới và "
            "chép lại trước khi lưu; mật khẩu cũ không khôi phục được."
        ),
        "Copy and store this secret now. Once saved, it will be hashed and cannot be recovered.": _(
            "Chép và cất giữ mật khẩu này ngay: khi lưu, nó được băm và không xem lại được."
        ),
        "This application stores its client secret unhashed, so the value above remains "
        "usable. Entering a new value replaces it.": _(
            "Ứng dụng này lưu mật khẩu ứng dụng nguyên bản, nên giá trị trên vẫn dùng được. "
            "Nhập giá trị mới sẽ thay thế nó."
        ),
        "Copy and store this secret now. This application stores the secret unhashed.": _(
            "Chép và cất giữ mật khẩu này ngay. Ứng dụng này lưu mật khẩu nguyên bản."
        ),
    }
    ALGORITHMS = {
        Application.NO_ALGORITHM: _("Không dùng OpenID Connect"),
        Application.RS256_ALGORITHM: _("RSA với SHA-2 256"),
        Application.HS256_ALGORITHM: _("HMAC với SHA-2 256"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in self.LABELS.items():
            if name in self.fields:
                self.fields[name].label = capfirst(label)
                if help_text is not None:
                    self.fields[name].help_text = help_text
        if "client_type" in self.fields:
            self.fields["client_type"].choices = CLIENT_TYPES
        if "client_secret" in self.fields:
            secret = self.fields["client_secret"]
            secret.help_text = self.SECRET_HELP.get(str(secret.help_text), secret.help_text)
        if "hash_client_secret" in self.fields:
            attrs = self.fields["hash_client_secret"].widget.attrs
            for key in (
                "data-client-secret-help-when-hashed",
                "data-client-secret-help-when-unhashed",
            ):
                if key in attrs:
                    attrs[key] = self.SECRET_HELP.get(str(attrs[key]), attrs[key])
        for name, words in (
            ("authorization_grant_type", self.GRANTS),
            ("algorithm", self.ALGORITHMS),
        ):
            if name in self.fields:
                self.fields[name].choices = [
                    (value, words.get(value, label)) for value, label in self.fields[name].choices
                ]


admin.site.unregister(Application)


@admin.register(Application)
class ClientAdmin(AuditedRegistration, dot.ApplicationAdmin):  # type: ignore[misc]
    """django-oauth-toolkit's form, plus the trusted flag and an audit row per change."""

    form = ClientForm
    inlines = [RelyingPartyInline]
    list_display = [
        "pk",
        column("name", _("tên")),
        column("client_id", _("mã ứng dụng (client ID)")),
        "kind",
        column("redirect_uris", _("địa chỉ quay về"), ordering=None),
    ]
    list_filter = [
        ClientTypeFilter,
        ("skip_authorization", titled(admin.BooleanFieldListFilter, _("không hỏi ý kiến"))),
    ]

    @admin.display(description=_("loại"), ordering="client_type")
    def kind(self, application: Application) -> Any:
        return dict(CLIENT_TYPES).get(application.client_type, application.client_type)

    def audit_subject(self, obj: Application) -> str:
        return str(obj.client_id)

    def audit_details(self, obj: Application) -> dict[str, Any]:
        return describe(obj)


# The tokens django-oauth-toolkit keeps: read-only lists (they are issued by the login flows and
# end with the account: a lock, a password change or `manage.py sso remove-client`), with one
# action, the toolkit's revocation, for the helpdesk.
for model in (AccessToken, RefreshToken, IDToken, Grant):
    admin.site.unregister(model)

TOKEN_COLUMNS = [
    column("user", _("người dùng")),
    column("application", _("ứng dụng")),
    column("expires", _("hết hạn lúc")),
    column("created", _("cấp lúc")),
]
APPLICATION_FILTER = ("application", titled(admin.RelatedFieldListFilter, _("ứng dụng")))


class ReadOnly:
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessToken)
class AccessTokenAdmin(ReadOnly, dot.AccessTokenAdmin):  # type: ignore[misc]
    list_display = ["pk", "masked_token", *TOKEN_COLUMNS]
    list_filter = [APPLICATION_FILTER]
    search_help_text = _("Tên hoặc mã của ứng dụng, email công vụ của người dùng")

    @admin.display(description=_("mã (4 ký tự cuối)"))
    def masked_token(self, obj: Any) -> str:
        return str(super().masked_token(obj))

    @admin.action(description=_("Thu hồi các mã truy cập đã chọn"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[AccessToken]) -> None:
        for token in queryset:
            revoke_access_token(token)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Đã thu hồi %(count)d mã truy cập.", "Đã thu hồi %(count)d mã truy cập.", count
            )
            % {"count": count},
        )


@admin.register(RefreshToken)
class RefreshTokenAdmin(ReadOnly, dot.RefreshTokenAdmin):  # type: ignore[misc]
    list_display = [
        "pk",
        "masked_token",
        column("user", _("người dùng")),
        column("application", _("ứng dụng")),
        column("created", _("cấp lúc")),
        column("revoked", _("thu hồi lúc")),
    ]
    list_filter = [APPLICATION_FILTER]
    search_help_text = AccessTokenAdmin.search_help_text

    @admin.display(description=_("mã (4 ký tự cuối)"))
    def masked_token(self, obj: Any) -> str:
        return str(super().masked_token(obj))

    @admin.action(description=_("Thu hồi các mã làm mới đã chọn"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[RefreshToken]) -> None:
        for token in queryset:
            token.revoke()
        count = len(queryset)
        self.message_user(
            request,
            ngettext("Đã thu hồi %(count)d mã làm mới.", "Đã thu hồi %(count)d mã làm mới.", count)
            % {"count": count},
        )


@admin.register(IDToken)
class IDTokenAdmin(ReadOnly, dot.IDTokenAdmin):  # type: ignore[misc]
    list_display = [column("jti", _("số hiệu (jti)")), *TOKEN_COLUMNS]
    list_filter = [APPLICATION_FILTER]
    search_help_text = AccessTokenAdmin.search_help_text


@admin.register(Grant)
class GrantAdmin(ReadOnly, dot.GrantAdmin):  # type: ignore[misc]
    list_display = ["pk", "masked_code", *TOKEN_COLUMNS]
    search_help_text = AccessTokenAdmin.search_help_text

    @admin.display(description=_("mã (4 ký tự cuối)"))
    def masked_code(self, obj: Any) -> str:
        return str(super().masked_code(obj))


# The SAML service providers and the CAS services (each registers its own).
from govid.sso.cas import admin as cas_admin  # noqa: E402, F401
from govid.sso.saml import admin as saml_admin  # noqa: E402, F401
