from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "govid.directory"
    label = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from govid.directory import checks  # noqa: F401  (registers the system checks)
