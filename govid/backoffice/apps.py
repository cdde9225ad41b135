from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "govid.backoffice"
    label = "backoffice"
    verbose_name = _("Văn phòng tiếp nhận")

    def ready(self) -> None:
        from govid.backoffice import checks  # noqa: F401  (registers the system checks)
