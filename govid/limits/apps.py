from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "govid.limits"
    label = "limits"
    verbose_name = "Rate limits"

    def ready(self) -> None:
        from govid.limits import checks  # noqa: F401  (registers the system checks)
