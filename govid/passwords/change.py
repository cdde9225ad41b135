"""Checking and applying a new password: shared by recovery, the account page and administrators."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govid.audit.api import record
from govid.directory.api import Account, get_directory, password_changed
from govid.passwords import history
from govid.passwords.conf import password_settings
from govid.passwords.policy import check_policy


def policy_errors(account: Account, password: str, *, check_current: bool = True) -> list[str]:
    """What is wrong with ``password`` as the account's new one, in the user's language.

    ``check_current`` costs Argon2 verifies (the current password, then the previous ones), so
    callers skip it until the cheap rules pass.
    """
    errors = check_policy(password, account)
    directory = get_directory()
    if errors or not check_current or directory.refuses_current_password:
        return errors
    if directory.verify_password(account, password):
        errors.append(_("Mật khẩu mới phải khác mật khẩu hiện tại."))
    elif history.reused(account, password):
        n = password_settings().history
        errors.append(
            ngettext(
                "Mật khẩu mới không được trùng với %(n)d mật khẩu gần nhất.",
                "Mật khẩu mới không được trùng với %(n)d mật khẩu gần nhất.",
                n,
            )
            % {"n": n}
        )
    return errors


def apply_new_password(
    account: Account, password: str, *, actor: str, action: str, ip: str | None
) -> None:
    """Write the password, end the account's sessions, audit it.

    Must run inside the caller's ``transaction.atomic()`` so that a refusal undoes everything.
    The person is told (e-mail, SMS: GOVID_NOTICES_PASSWORD_CHANGED) by the security notices,
    which read the audit event in this same transaction: no notice for a change rolled back.
    """
    history.remember_current(account)
    get_directory().set_password(account, password)
    password_changed.send(sender=Account, account=account, actor=actor)
    record(action, actor=actor, subject=account.login, ip=ip)
