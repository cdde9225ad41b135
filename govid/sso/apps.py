from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oauth2_provider import apps as dot


class SsoConfig(AppConfig):
    name = "govid.sso"
    label = "sso"
    verbose_name = _("Đăng nhập một lần")

    def ready(self) -> None:
        from govid.sso import checks, oidc_logout, receivers  # noqa: F401  (registers them)
        from govid.sso.cas import logout as cas_logout  # noqa: F401  (registers CAS logout)
        from govid.sso.notices import checks as notice_checks  # noqa: F401
        from govid.sso.notices import events as notice_events  # noqa: F401
        from govid.sso.notices.mail import rescue_stale
        from govid.sso.saml import register_logout
        from govid.tasks.api import register_periodic

        register_logout()
        register_periodic(rescue_stale)  # notice e-mails a stopped worker left behind


class OAuthConfig(dot.DOTConfig):  # type: ignore[misc]
    """django-oauth-toolkit, named in Vietnamese in the administration (its models too: the
    display names only, which its migrations never read)."""

    default = False  # govid.sso's own is SsoConfig
    verbose_name = _("Ứng dụng và mã truy cập")

    def ready(self) -> None:
        super().ready()
        from oauth2_provider import models

        names = {
            models.Application: (_("ứng dụng"), pgettext_lazy("số nhiều", "ứng dụng")),
            models.AccessToken: (_("mã truy cập"), pgettext_lazy("số nhiều", "mã truy cập")),
            models.RefreshToken: (_("mã làm mới"), pgettext_lazy("số nhiều", "mã làm mới")),
            models.IDToken: (
                _("mã xác thực danh tính"),
                pgettext_lazy("số nhiều", "mã xác thực danh tính"),
            ),
            models.Grant: (_("mã cấp quyền"), pgettext_lazy("số nhiều", "mã cấp quyền")),
        }
        for model, (one, many) in names.items():
            model._meta.verbose_name = one
            model._meta.verbose_name_plural = many
