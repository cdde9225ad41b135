from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "govid.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from govid.ops import metrics  # noqa: F401  (connects the signal receivers)
