from django.apps import AppConfig


class PasswordsConfig(AppConfig):
    name = "govid.passwords"
    label = "passwords"
    verbose_name = "Passwords"
