"""Django authentication against the configured directory."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from govid.directory.api import canonical_login, get_directory
from govid.sso.models import User


class DirectoryBackend:
    """Checks the password in the directory; keeps a local User row for sessions and ``sub``."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        login = canonical_login(username)
        directory = get_directory()
        if login is None:
            directory.burn_verify()
            return None
        account = directory.authenticate(login, password)
        if account is None:
            return None
        user = User.objects.by("login", account.login)
        if user is None:  # the first login: govid's own row, without a usable password
            user, _ = User.objects.get_or_create(
                login=account.login,
                defaults={"name": account.name, "password": make_password(None)},
            )
        if user.name != account.name:
            User.objects.filter(pk=user.pk).update(name=account.name)
            user.name = account.name
        return user if user.is_active else None

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.by("id", user_id)
        return user if user is not None and user.is_active else None
