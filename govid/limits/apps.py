from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LimitsConfig(AppConfig):
    name = "govid.limits"
    label = "limits"
    verbose_name = _("Giới hạn truy cập")

    def ready(self) -> None:
        from govid.limits import checks  # noqa: F401  (registers the system checks)
