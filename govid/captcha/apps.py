from django.apps import AppConfig


class CaptchaConfig(AppConfig):
    name = "govid.captcha"
    label = "captcha"
    verbose_name = "Proof of work"

    def ready(self) -> None:
        from govid.captcha import checks  # noqa: F401  (registers the system checks)
