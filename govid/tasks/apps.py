from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "govid.tasks"
    label = "govid_tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from govid.tasks import checks  # noqa: F401  (registers the system checks)
