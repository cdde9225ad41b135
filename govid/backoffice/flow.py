"""The request, as functions: file, add and remove accounts, attach the scan, move it on.

Every change checks the role against the request row locked for the change, writes its
history and audit rows in the same transaction, and sends SMS only after commit.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from govid import clock
from govid.audit.api import record
from govid.backoffice.access import Staff
from govid.backoffice.applying import apply_lines, approval_of
from govid.backoffice.conf import backoffice_settings
from govid.backoffice.errors import NotAllowed, RequestRefused
from govid.backoffice.models import PhoneRequest, RequestLine, Role, Scan, State, Transition
from govid.backoffice.pdfcheck import looks_like_pdf
from govid.backoffice.protected import is_protected
from govid.directory.api import Account, canonical_login, get_directory
from govid.phones import InvalidPhone, mask_phone, normalize_phone


@dataclass(frozen=True)
class Step:
    """One transition: who may take it (given the locked row), where it goes."""

    allowed: Callable[[Staff, PhoneRequest], bool]
    sources: tuple[State, ...]
    target: State
    needs_comment: bool


EDITABLE = (State.DRAFT, State.RETURNED)
STEPS = {
    "submit": Step(Staff.can_edit, EDITABLE, State.SUBMITTED, False),
    "forward": Step(Staff.can_review, (State.SUBMITTED,), State.FORWARDED, False),
    "return": Step(
        lambda s, r: s.can_review(r) or s.can_decide(r),
        (State.SUBMITTED, State.FORWARDED),
        State.RETURNED,
        True,
    ),
    "apply": Step(Staff.can_decide, (State.FORWARDED,), State.APPLIED, False),
    "reject": Step(Staff.can_decide, (State.FORWARDED,), State.REJECTED, True),
}
EDIT = Step(Staff.can_edit, EDITABLE, State.DRAFT, False)  # changes that keep the state
SCAN_NEEDED = ("submit", "forward")  # steps that pass the request on with its signed scan


def _subject(request: PhoneRequest) -> str:
    return f"request/{request.pk}"


def _locked(request_id: int, staff: Staff, step: Step) -> PhoneRequest:
    """The request row, locked until the transaction ends, if ``step`` is allowed to ``staff``."""
    request = PhoneRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None or not staff.can_see(request):
        raise NotAllowed(visible=False)
    if not step.allowed(staff, request):
        if request.state not in step.sources and _allowed_in(step, staff, request):
            raise RequestRefused("wrong_state")  # e.g. someone else took the step just before
        raise NotAllowed()
    return request


def _allowed_in(step: Step, staff: Staff, request: PhoneRequest) -> bool:
    """Whether ``staff`` could take ``step`` if the request were still where the step starts."""
    probe = copy.copy(request)
    probe.state = step.sources[0]
    return step.allowed(staff, probe)


def file_request(staff: Staff, *, unit_code: str, ip: str | None) -> PhoneRequest:
    """A new draft for one of the unit officer's units."""
    unit = staff.tree.get(unit_code)
    if unit is None or unit.kind != "unit" or not staff.covers(Role.UNIT_OFFICER, unit_code):
        raise NotAllowed()
    now = clock.now()
    with transaction.atomic():
        request = PhoneRequest.objects.create(
            unit_code=unit.code,
            unit_name=unit.name,
            filed_by=staff.login,
            created_at=now,
            changed_at=now,
        )
        record(
            "request_created", actor=staff.login, subject=_subject(request), ip=ip, unit=unit.code
        )
    return request


def _account_for(request: PhoneRequest, login: str) -> Account:
    """The directory's account behind ``login``, if it may join this request."""
    canonical = canonical_login(login)
    account = get_directory().find(canonical) if canonical else None
    if account is None:
        raise RequestRefused("account_unknown", "login")
    if account.unit_code != request.unit_code:
        raise RequestRefused("account_other_unit", "login")
    if request.lines.filter(login=account.login).exists():
        raise RequestRefused("duplicate_line", "login")
    if is_protected(account.login):
        raise RequestRefused("account_protected", "login")
    return account


REASON_MAX = RequestLine._meta.get_field("reason").max_length or 300


def add_line(
    staff: Staff,
    request_id: int,
    *,
    login: str,
    phone: str,
    reason: str,
    unlock: bool,
    ip: str | None,
) -> RequestLine:
    """One more account on a draft (or returned) request, checked against the directory."""
    try:
        e164 = normalize_phone(phone)
    except InvalidPhone as invalid:
        raise RequestRefused(invalid.code, "phone") from None
    reason = reason.strip()
    if not reason:
        raise RequestRefused("reason_required", "reason")
    if len(reason) > REASON_MAX:
        raise RequestRefused("reason_too_long", "reason")
    if "\x00" in reason:
        raise RequestRefused("text_invalid", "reason")
    with transaction.atomic():
        request = _locked(request_id, staff, EDIT)
        account = _account_for(request, login)
        line = RequestLine.objects.create(
            request=request,
            login=account.login,
            name=account.name,
            new_phone=e164,
            reason=reason,
            unlock=unlock,
        )
        record(
            "request_line_added",
            actor=staff.login,
            subject=_subject(request),
            ip=ip,
            account=account.login,
            phone=mask_phone(e164),
            unlock=unlock,
        )
    return line


def remove_line(staff: Staff, request_id: int, line_id: int, *, ip: str | None) -> None:
    with transaction.atomic():
        request = _locked(request_id, staff, EDIT)
        line = request.lines.filter(pk=line_id).first()
        if line is None:
            raise RequestRefused("line_unknown")
        line.delete()
        record(
            "request_line_removed",
            actor=staff.login,
            subject=_subject(request),
            ip=ip,
            account=line.login,
        )


def attach_scan(staff: Staff, request_id: int, *, content: bytes, ip: str | None) -> Scan:
    """The signed letter as a PDF: size-limited, checked to really be a PDF; replaces any."""
    if len(content) > backoffice_settings().scan_max_bytes:
        raise RequestRefused("scan_too_big", "scan")
    if not looks_like_pdf(content):
        raise RequestRefused("scan_not_pdf", "scan")
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        request = _locked(request_id, staff, EDIT)
        Scan.objects.filter(request=request).delete()
        scan = Scan.objects.create(
            request=request,
            content=content,
            size=len(content),
            sha256=digest,
            uploaded_at=clock.now(),
            uploaded_by=staff.login,
        )
        record(
            "request_scan_attached",
            actor=staff.login,
            subject=_subject(request),
            ip=ip,
            sha256=digest,
            size=len(content),
        )
    return scan


def _check_other_person(request: PhoneRequest, action: str, login: str) -> None:
    """Four eyes: who reviews did not propose, who applies neither proposed nor reviewed."""
    if action not in ("forward", "apply"):
        return
    approval = approval_of(request)
    earlier = {approval.proposed_by}
    if action == "apply":
        earlier.add(approval.reviewed_by)
    if login in earlier:
        raise RequestRefused("same_person")


def move(
    staff: Staff,
    request_id: int,
    action: str,
    *,
    comment: str,
    ip: str | None,
    recovery_url: str = "",
) -> PhoneRequest:
    """Take one step (submit, forward, return, apply, reject) with its comment."""
    step = STEPS.get(action)
    if step is None:
        raise RequestRefused("unknown_action")
    comment = comment.strip()
    if step.needs_comment and not comment:
        raise RequestRefused("comment_required", "comment")
    if "\x00" in comment:  # what the forms refuse, refused here too: PostgreSQL stores no NUL
        raise RequestRefused("text_invalid", "comment")
    with transaction.atomic():
        request = _locked(request_id, staff, step)
        if action == "submit" and not request.lines.exists():
            raise RequestRefused("no_lines")
        if action in SCAN_NEEDED and not Scan.objects.filter(request=request).exists():
            raise RequestRefused("scan_missing")  # the signed letter goes with the request
        _check_other_person(request, action, staff.login)
        if action == "apply":
            apply_lines(request, actor=staff.login, ip=ip, recovery_url=recovery_url)
        now = clock.now()
        Transition.objects.create(
            request=request,
            at=now,
            actor=staff.login,
            from_state=request.state,
            to_state=step.target,
            comment=comment,
        )
        record(
            f"request_{step.target}" if action != "return" else "request_returned",
            actor=staff.login,
            subject=_subject(request),
            ip=ip,
            unit=request.unit_code,
            from_state=request.state,
        )
        request.state = step.target
        request.changed_at = now
        request.save(update_fields=["state", "changed_at"])
    return request
