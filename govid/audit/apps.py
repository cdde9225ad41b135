from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "govid.audit"
    label = "audit"
    verbose_name = _("Nhật ký")

    def ready(self) -> None:
        from govid.audit import checks  # noqa: F401  (registers the system checks)
        from govid.audit.publish import publish_head_if_due
        from govid.tasks.api import register_periodic

        # Every worker runs it each GOVID_TASKS_SWEEP; the file's lock and its last line keep
        # it to one head per GOVID_AUDIT_PUBLISH_EVERY on this host.
        register_periodic(publish_head_if_due)
