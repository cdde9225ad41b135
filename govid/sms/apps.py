from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "govid.sms"
    label = "sms"
    verbose_name = _("Tin nhắn SMS")

    def ready(self) -> None:
        from govid.sms import checks  # noqa: F401  (registers the system checks)
        from govid.sms.delivery import rescue_stale
        from govid.tasks.api import register_periodic

        register_periodic(rescue_stale)
