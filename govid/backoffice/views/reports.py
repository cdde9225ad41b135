"""Reports per unit and per district (table, bar chart, CSV) and the audit log for auditors."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from govid.audit.api import EventFilter, find_events
from govid.backoffice.access import Staff
from govid.backoffice.audit_words import Narrator, actions_of, kind_choices
from govid.backoffice.models import PhoneRequest, Role
from govid.backoffice.reports import FIELDS, Stats, district_stats, month_start, unit_stats
from govid.backoffice.views.common import staff_view
from govid.directory.api import get_directory
from govid.spreadsheets import InertCsvWriter, append_inert_row

READERS = (Role.UNIT_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVIDER_ADMIN, Role.AUDITOR)
BAR_HEIGHT = 22


def _stats(staff: Staff) -> tuple[list[Stats], list[Stats]]:
    codes = [c for c in staff.units(*READERS) if (u := staff.tree.get(c)) and u.kind == "unit"]
    units = unit_stats(codes, staff.tree, month_start())
    return units, district_stats(units, staff.tree)


def _chart(rows: list[Stats]) -> dict[str, object]:
    """An inline SVG bar per row: the share of accounts with a phone (no script, no asset)."""
    bars = [
        {"y": i * BAR_HEIGHT, "width": row.phone_share, "label": row.name, "share": row.phone_share}
        for i, row in enumerate(rows)
    ]
    return {"bars": bars, "height": max(1, len(rows)) * BAR_HEIGHT}


@require_GET
@staff_view(*READERS)
def report(request: HttpRequest, staff: Staff) -> HttpResponse:
    units, districts = _stats(staff)
    context = {
        "units": units,
        "districts": districts,
        "chart": _chart(units),
        "since": month_start(),
    }
    return render(request, "backoffice/report.html", context)


@require_GET
@staff_view(*READERS)
def report_csv(request: HttpRequest, staff: Staff) -> HttpResponse:
    units, districts = _stats(staff)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bao-cao.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the UTF-8 diacritics right
    writer = InertCsvWriter(response)
    writer.writerow(["level", "code", "name", *FIELDS, "phone_share_percent"])
    for level, rows in (("district", districts), ("unit", units)):
        for row in rows:
            values = [getattr(row, name) for name in FIELDS]
            writer.writerow([level, row.code, row.name, *values, row.phone_share])
    return response


def _day(text: str | None, *, end: bool = False) -> datetime | None:
    try:
        day = parse_date(text or "") if text and len(text) == 10 else None
    except ValueError:  # well formed, but no such day (2026-02-30)
        day = None
    if day is None:
        return None
    moment = timezone.make_aware(datetime.combine(day, time.min))
    return moment + timedelta(days=1) if end else moment


def _unit_scope(staff: Staff, code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The unit and those under it; their accounts and their requests (as events name them)."""
    codes = staff.tree.below(code)
    if not codes:
        return (code,), ()
    logins = [a.login for a in get_directory().accounts_in(codes)]
    requests = PhoneRequest.objects.filter(unit_code__in=codes).values_list("pk", flat=True)
    # The subject of a request's events (govid.backoffice.flow).
    return tuple(sorted(codes)), (*logins, *(f"request/{pk}" for pk in requests))


def _filter(request: HttpRequest, staff: Staff) -> EventFilter:
    def text(name: str, limit: int) -> str:  # no NUL: PostgreSQL refuses it in a query
        return request.GET.get(name, "").replace("\x00", "").strip()[:limit]

    unit, kind = text("unit", 32), text("kind", 32)
    province = (found := staff.tree.get(unit)) is not None and not found.parent
    units, about = _unit_scope(staff, unit) if unit and not province else (None, ())
    return EventFilter(
        action=text("action", 64),
        actor=text("actor", 254),
        subject=text("subject", 254),
        since=_day(request.GET.get("since")),
        until=_day(request.GET.get("until"), end=True),
        actions=actions_of(kind) or (("-",) if kind else ()),  # an unknown kind finds nothing
        person=text("person", 254),
        units=units,
        about=about,
    )


def _with_sentences(events: Iterable[Any], staff: Staff) -> Iterator[tuple[Any, str]]:
    """Each event with its sentence; names read from the directory once per thousand events."""
    batch: list[Any] = []
    for event in events:
        batch.append(event)
        if len(batch) == 1000:
            yield from zip(batch, Narrator(batch, staff.tree).sentences(batch), strict=True)
            batch = []
    yield from zip(batch, Narrator(batch, staff.tree).sentences(batch), strict=True)


@require_GET
@staff_view(Role.AUDITOR)
def audit_log(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Every state change as a sentence, filterable; phones appear as the rows hold them:
    masked."""
    found = find_events(_filter(request, staff))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    get = request.GET
    context = {
        "page": page,
        "rows": list(_with_sentences(page, staff)),
        "kinds": kind_choices(),
        "units": staff.tree.all(),
        "f": {name: get.get(name, "") for name in ("kind", "unit", "person", "since", "until")},
        "query": query.urlencode(),
    }
    return render(request, "backoffice/audit.html", context)


COLUMNS = ["seq", "at", "action", "actor", "subject", "ip", "data", "hash", "sentence"]


def _audit_rows(request: HttpRequest, staff: Staff) -> Iterator[list[object]]:
    events = find_events(_filter(request, staff))[:100_000].iterator()
    for e, sentence in _with_sentences(events, staff):
        at = timezone.localtime(e.at).isoformat()
        yield [e.seq, at, e.action, e.actor, e.subject, e.ip, e.data, e.hash, sentence]


@require_GET
@staff_view(Role.AUDITOR)
def audit_csv(request: HttpRequest, staff: Staff) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nhat-ky.csv"'
    response.write("\ufeff")
    writer = InertCsvWriter(response)  # a subject is whatever a visitor typed as a login
    writer.writerow(COLUMNS)
    for row in _audit_rows(request, staff):
        writer.writerow(row)
    return response


@require_GET
@staff_view(Role.AUDITOR)
def audit_xlsx(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The same rows as the CSV, every cell inert text (or a number)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101  (a new workbook has one sheet)
    sheet.title = "nhat-ky"
    append_inert_row(sheet, COLUMNS)
    for row in _audit_rows(request, staff):
        append_inert_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="nhat-ky.xlsx"'
    return response
