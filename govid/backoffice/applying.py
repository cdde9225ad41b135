"""Applying a request: write each phone through the directory, unlock, tell both numbers."""

from __future__ import annotations

from govid import clock
from govid.backoffice.errors import RequestRefused
from govid.backoffice.models import PhoneRequest, State
from govid.backoffice.notices import registered_text, replaced_text
from govid.backoffice.protected import is_protected
from govid.directory.api import (
    Approval,
    PhoneChangeRefused,
    change_phone,
    get_directory,
    set_locked,
)
from govid.sms.api import send_after_commit
from govid.web.api import support_settings


def approval_of(request: PhoneRequest) -> Approval:
    """Who proposed the request (its last submission) and who reviewed it (its forwarding)."""
    history = list(request.history.order_by("-at", "-id").values_list("to_state", "actor"))
    submitted = next((actor for state, actor in history if state == State.SUBMITTED), "")
    forwarded = next((actor for state, actor in history if state == State.FORWARDED), "")
    return Approval(proposed_by=submitted, reviewed_by=forwarded)


def apply_lines(request: PhoneRequest, *, actor: str, ip: str | None, recovery_url: str) -> None:
    """Inside the caller's transaction: every line or none (a missing account stops it all)."""
    directory = get_directory()
    now = clock.now()
    support = support_settings().phone
    approval = approval_of(request)
    for line in request.lines.all():
        account = directory.find(line.login)
        if account is None or account.unit_code != request.unit_code:
            raise RequestRefused("account_gone")
        if is_protected(account.login):  # it took a role since the unit proposed it
            raise RequestRefused("account_protected")
        try:
            old = change_phone(
                account,
                line.new_phone,
                actor=actor,
                source="request",
                ip=ip,
                approval=approval,
                request=request.pk,
            )
        except PhoneChangeRefused as refused:
            code = "same_person" if refused.code == "four_eyes" else "wrong_state"
            raise RequestRefused(code) from None
        if line.unlock and account.locked:
            set_locked(account, False, actor=actor, ip=ip, request=request.pk)
        send_after_commit(
            line.new_phone,
            registered_text(account.login, url=recovery_url),
            purpose="phone_registered",
        )
        if old:
            text = replaced_text(account.login, new_phone=line.new_phone, at=now, support=support)
            send_after_commit(old, text, purpose="phone_replaced")
