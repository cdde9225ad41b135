from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "govid.sso"
    label = "sso"
    verbose_name = "SSO"

    def ready(self) -> None:
        from govid.sso import receivers  # noqa: F401  (connects the password_changed receiver)
