from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PasswordsConfig(AppConfig):
    name = "govid.passwords"
    label = "passwords"
    verbose_name = _("Mật khẩu")
