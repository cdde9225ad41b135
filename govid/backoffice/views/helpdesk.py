"""The helpdesk: the provider finds an account as the caller says it, sees its picture (unit,
masked phone, lock, login hold, last logins, recovery SMS and what the carrier answered; each
look audited) and ends a login hold or every session, each a POST, audited, within the
provider's scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govid.audit.api import EventFilter, find_events, record
from govid.backoffice.access import Staff
from govid.backoffice.audit_words import KINDS, Narrator
from govid.backoffice.models import Role, RoleGrant
from govid.backoffice.views.common import staff_view
from govid.diacritics import unaccent
from govid.directory.api import (
    Account,
    access_ended,
    account_unblocked,
    canonical_login,
    get_directory,
)
from govid.phones import InvalidPhone, mask_phone, normalize_phone
from govid.sms.api import recent_for_account
from govid.sso.api import has_factor, hold_of, remove_all_factors, require_recent_factor
from govid.web.api import client_ip, error_page, has_nul_bytes

MAX_QUERY = 100  # characters: longer is no address, name or phone anyone types
MAX_RESULTS = 50
# What the caller's problem is usually about: the auditor's "logins" kind, and the recovery.
EVENTS = (
    *KINDS["logins"][1],
    "tokens_revoked",
    "password_reset",
    "recovery_code_sent",
    "recovery_code_not_sent",
    "recovery_attempts_exhausted",
)


def _folded(text: str) -> str:
    return " ".join(unaccent(text).casefold().split())


def _in_scope(staff: Staff, account: Account) -> bool:
    return staff.covers(Role.PROVIDER_ADMIN, account.unit_code)


def _search(staff: Staff, query: str) -> list[Account]:
    """Accounts of the provider's units matching an address, a name or a phone, any usual way."""
    try:
        phone: str | None = normalize_phone(query)
    except InvalidPhone:
        phone = None
    login = canonical_login(query)
    words = _folded(query)
    found = []
    for account in get_directory().accounts_in(staff.units(Role.PROVIDER_ADMIN)):
        if (
            (phone is not None and account.phone == phone)
            or account.login == login
            or (words and words in _folded(account.name))
            or (words and words in account.login)
        ):
            found.append(account)
    return found[:MAX_RESULTS]


def _row(account: Account) -> dict[str, Any]:
    return {"a": account, "phone": mask_phone(account.phone) if account.phone else ""}


@require_GET
@staff_view(Role.PROVIDER_ADMIN)
def helpdesk(request: HttpRequest, staff: Staff) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY:
        return error_page(
            request,
            400,
            _("Từ khóa quá dài"),
            _("Vui lòng nhập địa chỉ thư, họ tên hoặc số điện thoại (tối đa 100 ký tự)."),
        )
    rows = [_row(a) for a in _search(staff, query)] if query else []
    return render(request, "backoffice/helpdesk.html", {"query": query, "rows": rows})


def _account(staff: Staff, login: str) -> Account:
    canonical = canonical_login(login)
    account = get_directory().find(canonical) if canonical else None
    if account is None or not _in_scope(staff, account):
        raise Http404
    return account


@require_GET
@staff_view(Role.PROVIDER_ADMIN)
def helpdesk_account(request: HttpRequest, staff: Staff, login: str) -> HttpResponse:
    account = _account(staff, login)
    # The picture holds personal data (unit, masked phone, logins): who looked at whom is kept.
    record(
        "helpdesk_account_viewed", actor=staff.login, subject=account.login, ip=client_ip(request)
    )
    events = [
        e
        for e in find_events(EventFilter(actions=EVENTS, subject=account.login))[:200]
        if e.subject == account.login
    ][:15]
    narrator = Narrator(events, staff.tree)
    officers = sorted(
        RoleGrant.objects.filter(role=Role.UNIT_OFFICER, unit_code=account.unit_code).values_list(
            "login", flat=True
        )
    )
    people = get_directory().find_many(officers) if officers else {}
    context = {
        "account": account,
        "phone": mask_phone(account.phone) if account.phone else "",
        "hold": hold_of(account.login),
        "events": narrator.sentences(events),
        "messages_sent": recent_for_account(account.login),
        "officers": [(login, people[login].name if login in people else "") for login in officers],
        "has_factor": has_factor(account.login),
    }
    return render(request, "backoffice/helpdesk_account.html", context)


@require_POST
@staff_view(Role.PROVIDER_ADMIN)
def release_hold(request: HttpRequest, staff: Staff, login: str) -> HttpResponse:
    account = _account(staff, login)
    with transaction.atomic():
        answers = account_unblocked.send(sender=Account, login=account.login, actor=staff.login)
    if any(held for _receiver, held in answers):
        messages.success(request, _("Đã gỡ tạm khóa đăng nhập."))
    else:
        messages.info(request, _("Tài khoản này không bị tạm khóa đăng nhập."))
    return redirect("backoffice:helpdesk_account", login=account.login)


@require_POST
@staff_view(Role.PROVIDER_ADMIN)
def end_sessions(request: HttpRequest, staff: Staff, login: str) -> HttpResponse:
    account = _account(staff, login)
    with transaction.atomic():
        record(
            "helpdesk_access_ended",
            actor=staff.login,
            subject=account.login,
            ip=client_ip(request),
        )
        access_ended.send(sender=Account, login=account.login, reason="helpdesk", actor=staff.login)
    messages.success(request, _("Đã kết thúc mọi phiên đăng nhập và thu hồi mã truy cập."))
    return redirect("backoffice:helpdesk_account", login=account.login)


@require_POST
@staff_view(Role.PROVIDER_ADMIN)
@require_recent_factor()
def remove_factors(request: HttpRequest, staff: Staff, login: str) -> HttpResponse:
    """Someone who lost every second factor: removed on the unit's written request, audited."""
    account = _account(staff, login)
    reference = " ".join(request.POST.get("reference", "").split())[:100]
    if not reference or has_nul_bytes(request):
        messages.error(request, _("Vui lòng ghi số, ngày công văn đề nghị của đơn vị."))
        return redirect("backoffice:helpdesk_account", login=account.login)
    ip = client_ip(request)
    if remove_all_factors(account.login, actor=staff.login, ip=ip, reference=reference):
        messages.success(request, _("Đã gỡ xác thực hai bước của tài khoản này."))
    else:
        messages.info(request, _("Tài khoản này chưa bật xác thực hai bước."))
    return redirect("backoffice:helpdesk_account", login=account.login)
