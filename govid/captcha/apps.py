from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaptchaConfig(AppConfig):
    name = "govid.captcha"
    label = "captcha"
    verbose_name = _("Chống tự động")

    def ready(self) -> None:
        from govid.captcha import checks  # noqa: F401  (registers the system checks)
