from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "govid.directory"
    label = "directory"
    verbose_name = _("Danh bạ tài khoản")

    def ready(self) -> None:
        from govid.directory import checks  # noqa: F401  (registers the system checks)
