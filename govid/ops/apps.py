from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "govid.ops"
    label = "ops"
    verbose_name = _("Vận hành")

    def ready(self) -> None:
        from govid.ops import metrics  # noqa: F401  (connects the signal receivers)
