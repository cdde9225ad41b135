from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "govid.recovery"
    label = "recovery"
    verbose_name = "Recovery"

    def ready(self) -> None:
        from govid.recovery import checks  # noqa: F401  (registers the system checks)
