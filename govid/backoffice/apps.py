from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "govid.backoffice"
    label = "backoffice"
    verbose_name = "Back office"

    def ready(self) -> None:
        from govid.backoffice import checks  # noqa: F401  (registers the system checks)
