from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecoveryConfig(AppConfig):
    name = "govid.recovery"
    label = "recovery"
    verbose_name = _("Khôi phục mật khẩu")

    def ready(self) -> None:
        from govid.recovery import checks, receivers  # noqa: F401  (checks and receivers)
        from govid.recovery.sms import CODE_SOURCE, render_code, sms_failed
        from govid.sms.api import message_failed, register_source

        register_source(CODE_SOURCE, render_code)
        message_failed.connect(sms_failed, dispatch_uid="govid.recovery.sms_failed")
