from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "govid.sso"
    label = "sso"
    verbose_name = "SSO"

    def ready(self) -> None:
        from govid.sso import checks, receivers  # noqa: F401  (registers checks and receivers)
