"""govid's own record of a person who signed in: a stable id, never their password."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, cast

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govid.keyed import keyed_hash

# What a login and a signed-in request read of a user.
_PER_REQUEST = (
    "id", "password", "is_superuser", "sub", "login", "name", "is_active", "is_staff", "auth_epoch",
)  # fmt: skip


class UserManager(BaseUserManager["User"]):
    def create_user(self, login: str, **fields: Any) -> User:
        user = self.model(login=login, **fields)
        user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, login: str, password: str | None = None, **fields: Any) -> User:
        return self.create_user(login, is_staff=True, is_superuser=True, **fields)

    def by(self, field: str, value: object) -> User | None:
        """The user whose ``field`` (``login`` or ``id``) is ``value``, read with a fixed
        statement: every login and every signed-in request does this, and compiling the ORM
        query (or a raw() one) cost more than running it. Fields a request does not need
        (``date_joined``) are loaded if asked for, as with ``only()``."""
        meta = self.model._meta
        fields = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in _PER_REQUEST]
        where = cast("models.Field[Any, Any]", meta.get_field(field))
        columns = ", ".join(f.column for f in fields)
        sql = f"SELECT {columns} FROM {meta.db_table} WHERE {where.column} = %s"  # noqa: S608
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [where.get_prep_value(value)])  # the session's "12" -> 12
            row = cursor.fetchone()
        if row is None:
            return None
        # to_python: what the ORM's converters would give (SQLite keeps a UUID as text).
        values = [f.to_python(v) for f, v in zip(fields, row, strict=True)]
        return self.model.from_db(self.db, [f.attname for f in fields], values)


class User(AbstractBaseUser, PermissionsMixin):
    """The passwords live in the directory; this row holds what govid itself needs.

    ``sub`` is the stable identifier given to relying parties (never the mail address), and
    ``auth_epoch`` is bumped whenever the password changes: every session signed for an older
    epoch stops being valid on its next request, on any instance.
    """

    sub = models.UUIDField(_("mã định danh"), default=uuid.uuid4, unique=True, editable=False)
    login = models.CharField(_("email công vụ"), max_length=254, unique=True)
    name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_staff = models.BooleanField(_("vào trang quản trị"), default=False)
    auth_epoch = models.PositiveIntegerField(default=0)
    date_joined = models.DateTimeField(default=timezone.now)
    # Not kept on the row: the audit log records every login (the administration reads the last
    # one there), so a login writes nothing here.
    last_login = None

    USERNAME_FIELD = "login"
    EMAIL_FIELD = "login"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = pgettext_lazy("số nhiều", "người dùng")

    def __str__(self) -> str:
        return self.login

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django derives this from the password field; ours is unused, so use the epoch. Django
        # itself asks again with secret= each of SECRET_KEY_FALLBACKS (sessions survive a
        # rotation): the same value salted_hmac gave.
        value = f"{self.sub}:{self.auth_epoch}"
        return keyed_hash("govid.sso.User.session_auth_hash", value, secret=secret).hex()


class RelyingParty(models.Model):
    """govid's own facts about an OIDC client, beside django-oauth-toolkit's Application."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="relying_party"
    )
    # The province's own systems: no consent page, and the full phone number with `phone`.
    trusted = models.BooleanField(_("tin cậy"), default=False)
    # OpenID Connect Back-Channel Logout 1.0: govid POSTs a signed logout token here.
    backchannel_logout_uri = models.URLField(
        _("địa chỉ đăng xuất kênh sau"), max_length=500, blank=True
    )
    # Front-Channel Logout 1.0: govid's sign-out page opens it (with iss and sid) in an iframe.
    frontchannel_logout_uri = models.URLField(
        _("địa chỉ đăng xuất kênh trước"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("ứng dụng liên kết")
        verbose_name_plural = pgettext_lazy("số nhiều", "ứng dụng liên kết")

    def __str__(self) -> str:
        return f"{self.application} ({'tin cậy' if self.trusted else 'cần hỏi ý kiến'})"


class RedeemedCode(models.Model):
    """An authorization code already exchanged, so that a second use can revoke its tokens.

    Only a hash of the code is kept; the row is useless once the code has expired for a while.
    """

    code_hash = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey("oauth2_provider.Application", on_delete=models.CASCADE)
    token_family = models.UUIDField(null=True)
    access_token = models.ForeignKey(
        "oauth2_provider.AccessToken", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    redeemed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.code_hash[:12]}... ({self.redeemed_at:%Y-%m-%d %H:%M})"


class TokenSignIn(models.Model):
    """Which sign-in an authorization code (``code:<hash>``) or a refresh token family
    (``family:<uuid>``) belongs to: the ID tokens it gives carry that sign-in's ``sid``."""

    key = models.CharField(max_length=80, unique=True)
    sid = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key[:20]


class SignIn(models.Model):
    """One sign-in of one person in one browser: what the account page lists, and what a
    sign-out (from govid or from any system it reached) ends in every one of those systems.

    ``sid`` is public: OIDC's ``sid`` claim, SAML's SessionIndex root and CAS's ticket owner
    name it; the Django session's key never leaves govid.
    """

    sid = models.CharField(max_length=64, unique=True)
    login = models.CharField(max_length=254, db_index=True)
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = pgettext_lazy("số nhiều", "phiên đăng nhập")

    def __str__(self) -> str:
        return f"{self.login} ({self.started_at:%Y-%m-%d %H:%M})"


class Visit(models.Model):
    """A system a sign-in reached, with what its protocol needs to sign it out later."""

    sign_in = models.ForeignKey(SignIn, on_delete=models.CASCADE, related_name="visits")
    protocol = models.CharField(max_length=8)  # "oidc", "saml", "cas"
    party = models.CharField(max_length=500)  # client id, SP entity id, CAS service name
    party_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=500, blank=True)  # sub, NameID, CAS user
    # Protocol detail for the logout message: SAML NameID format and SessionIndex, CAS
    # service tickets issued, ... (JSON).
    detail = models.JSONField(default=dict, blank=True)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sign_in", "protocol", "party"], name="sso_visit_one_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.protocol}:{self.party}"


# The SAML service providers and the second factors are sso's models too (their own modules,
# one concern each).
from govid.sso.cas.models import CasService, ServiceTicket  # noqa: E402, F401
from govid.sso.factors.models import (  # noqa: E402, F401
    FactorDeadline,
    RecoveryCode,
    SecurityKey,
    SignInFactors,
    TotpDevice,
)
from govid.sso.notices.models import KnownBrowser, MailNotice  # noqa: E402, F401
from govid.sso.portal.models import SystemTile  # noqa: E402, F401
from govid.sso.saml.models import ServiceProvider  # noqa: E402, F401
