from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "govid.web"
    label = "web"
    verbose_name = "Web"
