from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "govid.recovery"
    label = "recovery"
    verbose_name = "Recovery"

    def ready(self) -> None:
        from govid.recovery import checks, receivers  # noqa: F401  (checks and receivers)
        from govid.recovery.sms import CODE_SOURCE, render_code, sms_failed
        from govid.sms.api import message_failed, register_source

        register_source(CODE_SOURCE, render_code)
        message_failed.connect(sms_failed, dispatch_uid="govid.recovery.sms_failed")
