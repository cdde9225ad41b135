from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PasswordsConfig(AppConfig):
    name = "govid.passwords"
    label = "passwords"
    verbose_name = _("Mật khẩu")

    def ready(self) -> None:
        from govid.passwords.expiry import remind_if_due
        from govid.tasks.api import register_periodic

        register_periodic(remind_if_due)
