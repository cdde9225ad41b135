from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "govid.audit"
    label = "audit"
    verbose_name = "Audit"
