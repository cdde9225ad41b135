from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "govid.demo"
    label = "demo"
    verbose_name = _("Ứng dụng minh hoạ")
