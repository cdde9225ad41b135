from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "govid.demo"
    label = "demo"
    verbose_name = "Demo relying party"
