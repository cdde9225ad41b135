"""Applying a request: write each phone through the directory, unlock, tell both numbers."""

from __future__ import annotations

from govid import clock
from govid.audit.log import record
from govid.backoffice.errors import RequestRefused
from govid.backoffice.models import PhoneRequest
from govid.backoffice.notices import registered_text, replaced_text
from govid.directory import get_directory
from govid.directory.phones import mask_phone
from govid.sms.delivery import send_after_commit
from govid.web.conf import support_settings


def apply_lines(request: PhoneRequest, *, actor: str, ip: str | None, recovery_url: str) -> None:
    """Inside the caller's transaction: every line or none (a missing account stops it all)."""
    directory = get_directory()
    now = clock.now()
    support = support_settings().phone
    for line in request.lines.all():
        account = directory.find(line.login)
        if account is None or account.unit_code != request.unit_code:
            raise RequestRefused("account_gone")
        directory.set_phone(account, line.new_phone)
        record(
            "phone_changed",
            actor=actor,
            subject=account.login,
            ip=ip,
            phone=mask_phone(line.new_phone),
            request=request.pk,
        )
        if line.unlock and account.locked:
            directory.set_locked(account, False)
            record(
                "account_unlocked", actor=actor, subject=account.login, ip=ip, request=request.pk
            )
        send_after_commit(
            line.new_phone,
            registered_text(account.login, url=recovery_url),
            purpose="phone_registered",
        )
        if account.phone and account.phone != line.new_phone:
            text = replaced_text(account.login, new_phone=line.new_phone, at=now, support=support)
            send_after_commit(account.phone, text, purpose="phone_replaced")
