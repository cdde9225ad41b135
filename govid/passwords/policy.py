"""The seed's password rule and its completion, as Django password validators.

Rule shown to users: at least 8 characters with upper case, lower case, special characters and
digits (both configurable, GOVID_PASSWORDS_*). Added here: not containing the account name, not
a common or breached password. "Not the current password" and "not one of the last five"
need the directory and are checked by ``govid.passwords.change``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from govid.passwords.blocklist import is_common
from govid.passwords.conf import password_settings

MAX_LENGTH = 128  # Argon2 takes any length; this bounds the work a single request can ask for.


class MinimumLengthValidator:
    """At least GOVID_PASSWORDS_MIN_LENGTH characters (8, the seed's), at most MAX_LENGTH."""

    def __init__(self, min_length: int | None = None) -> None:
        self.fixed = min_length

    @property
    def min_length(self) -> int:
        return self.fixed or password_settings().min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("Mật khẩu phải có ít nhất %(n)d ký tự.") % {"n": self.min_length},
                code="password_too_short",
            )
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                _("Mật khẩu chỉ được có tối đa %(n)d ký tự.") % {"n": MAX_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Ít nhất %(n)d ký tự.") % {"n": self.min_length}


class CharacterClassesValidator:
    """Upper case, lower case, a digit and a special character (anything not a letter or digit)."""

    def validate(self, password: str, user: Any = None) -> None:
        if not password_settings().character_classes:  # GOVID_PASSWORDS_CHARACTER_CLASSES=0
            return
        missing = []
        if not any(c.isupper() for c in password):
            missing.append(_("chữ hoa"))
        if not any(c.islower() for c in password):
            missing.append(_("chữ thường"))
        if not any(c.isdigit() for c in password):
            missing.append(_("chữ số"))
        if all(c.isalnum() for c in password):
            missing.append(_("ký tự đặc biệt"))
        if missing:
            raise ValidationError(
                _("Mật khẩu còn thiếu: %(what)s.") % {"what": ", ".join(missing)},
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("Bao gồm các ký tự hoa, thường, đặc biệt và số.")


class AccountNameValidator:
    """Not containing the account name (the local part of the address) or a long piece of it."""

    def validate(self, password: str, user: Any = None) -> None:
        local = str(getattr(user, "local_part", "") or "").lower()
        if not local:
            return
        pieces = {local} | {p for p in local.replace("-", ".").replace("_", ".").split(".")}
        lowered = password.lower()
        if any(len(piece) >= 4 and piece in lowered for piece in pieces) or (
            len(local) >= 3 and local in lowered
        ):
            raise ValidationError(
                _("Mật khẩu không được chứa tên tài khoản."), code="password_has_name"
            )

    def get_help_text(self) -> str:
        return _("Không chứa tên tài khoản.")


class CommonPasswordValidator:
    """Not among 887,273 common and breached passwords, nor one of them with symbols added."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_common(password):
            raise ValidationError(
                _("Mật khẩu này quá phổ biến, vui lòng chọn mật khẩu khác."),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Không phải mật khẩu phổ biến.")


def check_policy(password: str, account: Any) -> list[str]:
    """Every rule the password breaks, as messages in the active language (empty if none)."""
    try:
        password_validation.validate_password(password, account)
    except ValidationError as error:
        return list(error.messages)
    return []
