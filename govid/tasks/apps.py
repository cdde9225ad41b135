from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tasks_db import apps as tasks_db


class TasksConfig(AppConfig):
    name = "govid.tasks"
    label = "govid_tasks"
    verbose_name = _("Tác vụ nền")

    def ready(self) -> None:
        from govid.tasks import checks  # noqa: F401  (registers the system checks)


class TaskResultsConfig(tasks_db.TasksAppConfig):
    """django-tasks-db's queue, named in Vietnamese in the administration (display names only,
    which its migrations never read)."""

    default = False  # govid.tasks' own is TasksConfig
    verbose_name = _("Hàng đợi tác vụ nền")  # type: ignore[assignment]

    def ready(self) -> None:
        super().ready()
        from django_tasks_db.models import DBTaskResult

        DBTaskResult._meta.verbose_name = _("kết quả tác vụ")
        DBTaskResult._meta.verbose_name_plural = pgettext_lazy("số nhiều", "kết quả tác vụ")
