"""Reports per unit and per district (table, bar chart, CSV) and the audit log for auditors."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from govid.audit.api import EventFilter, find_events, known_actions
from govid.backoffice.access import Staff
from govid.backoffice.models import Role
from govid.backoffice.reports import FIELDS, Stats, district_stats, month_start, unit_stats
from govid.backoffice.views.common import staff_view
from govid.spreadsheets import InertCsvWriter

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
    day = parse_date(text or "") if text and len(text) == 10 else None
    if day is None:
        return None
    moment = timezone.make_aware(datetime.combine(day, time.min))
    return moment + timedelta(days=1) if end else moment


def _filter(request: HttpRequest) -> EventFilter:
    get = request.GET
    return EventFilter(
        action=get.get("action", "")[:64],
        actor=get.get("actor", "")[:254],
        subject=get.get("subject", "")[:254],
        since=_day(get.get("since")),
        until=_day(get.get("until"), end=True),
    )


@require_GET
@staff_view(Role.AUDITOR)
def audit_log(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Every state change, filterable; phones appear as the rows hold them: masked."""
    found = find_events(_filter(request))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "actions": known_actions(),
        "f": request.GET,
        "query": query.urlencode(),
    }
    return render(request, "backoffice/audit.html", context)


@require_GET
@staff_view(Role.AUDITOR)
def audit_csv(request: HttpRequest, staff: Staff) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nhat-ky.csv"'
    response.write("\ufeff")
    writer = InertCsvWriter(response)  # a subject is whatever a visitor typed as a login
    writer.writerow(["seq", "at", "action", "actor", "subject", "ip", "data", "hash"])
    for e in find_events(_filter(request))[:100_000].iterator():
        at = timezone.localtime(e.at).isoformat()
        writer.writerow([e.seq, at, e.action, e.actor, e.subject, e.ip, e.data, e.hash])
    return response
