"""The numbers each level needs to keep every mailbox recoverable, per unit and per district."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from govid import clock
from govid.audit.api import counts_by_subject
from govid.directory.api import UnitTree, get_directory
from govid.recovery.api import outcomes_since

# Until SMS have records of their own, the audit log is what says which codes went out.
SMS_SENT = ("recovery_code_sent", "recovery_code_resent")
SMS_FAILED = ("recovery_code_not_sent",)
FIELDS = (
    "accounts",
    "with_phone",
    "locked",
    "recoveries",
    "failed_recoveries",
    "sms_sent",
    "sms_failed",
)


@dataclass
class Stats:
    code: str
    name: str
    district: str = ""
    accounts: int = 0
    with_phone: int = 0
    locked: int = 0
    recoveries: int = 0
    failed_recoveries: int = 0
    sms_sent: int = 0
    sms_failed: int = 0

    @property
    def phone_share(self) -> int:
        """Percent of accounts with a mobile on file (what makes them recoverable)."""
        return round(100 * self.with_phone / self.accounts) if self.accounts else 0

    def add(self, other: Stats) -> None:
        for name in FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def month_start(now: datetime | None = None) -> datetime:
    """Midnight of the first day of this month, in the deployment's time zone."""
    local = timezone.localtime(now or clock.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def unit_stats(codes: list[str], tree: UnitTree, since: datetime) -> list[Stats]:
    """One row per unit, in code order."""
    succeeded, failed = outcomes_since(since)
    sent = counts_by_subject(SMS_SENT, since)
    not_sent = counts_by_subject(SMS_FAILED, since)
    rows: dict[str, Stats] = {}
    for code in codes:
        unit = tree.get(code)
        district = tree.district_of(code)
        if unit is not None:
            rows[code] = Stats(code, unit.name, district=district.code if district else "")
    for account in get_directory().accounts_in(list(rows)):
        row = rows[account.unit_code]
        row.accounts += 1
        row.with_phone += account.phone is not None
        row.locked += account.locked
        row.recoveries += succeeded[account.login]
        row.failed_recoveries += failed[account.login]
        row.sms_sent += sent[account.login]
        row.sms_failed += not_sent[account.login]
    return [rows[code] for code in sorted(rows)]


def district_stats(units: list[Stats], tree: UnitTree) -> list[Stats]:
    """The unit rows summed by district."""
    totals: dict[str, Stats] = {}
    for row in units:
        if row.district not in totals:
            district = tree.get(row.district)
            totals[row.district] = Stats(row.district, district.name if district else "-")
        totals[row.district].add(row)
    return [totals[code] for code in sorted(totals)]
