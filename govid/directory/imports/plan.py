"""Checking every row of an import before anything is written, then writing all of it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import transaction

from govid.directory import canonical_address, canonical_login, get_directory
from govid.directory.backends.sql import SqlDirectory
from govid.directory.changes import change_phone
from govid.directory.imports.reader import SourceRow
from govid.directory.provision import add_account
from govid.directory.units import unit_tree
from govid.phones import InvalidPhone, normalize_phone


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # email, name, unit or phone
    code: str  # stable: email_invalid, phone_not_mobile, unit_out_of_scope, ...


@dataclass
class PlannedRow:
    line: int
    login: str
    name: str
    unit: str
    phone: str | None  # E.164; None: no number given
    action: str = "unchanged"  # create, update or unchanged
    converted: bool = False  # an 11-digit number turned into its 2018 10-digit form
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlannedRow]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


def _phone(row: PlannedRow, raw: str) -> None:
    if not raw:
        return
    try:
        row.phone = normalize_phone(raw)
    except InvalidPhone as invalid:
        row.errors.append(RowError(row.line, "phone", invalid.code))
        return
    digits = "".join(c for c in raw if c.isdigit())
    row.converted = len(digits.removeprefix("84").lstrip("0")) == 10


def _check(
    source: SourceRow,
    scope: Collection[str] | None,
    fill_scope: Collection[str] | None,
    can_create: bool,
) -> PlannedRow:
    values, line = source.values, source.line
    login = canonical_login(values["email"]) or ""
    row = PlannedRow(line=line, login=login, name=values["name"], unit=values["unit"], phone=None)
    if not login:
        other_domain = canonical_address(values["email"]) is not None
        row.errors.append(
            RowError(line, "email", "email_other_domain" if other_domain else "email_invalid")
        )
    _phone(row, values["phone"])
    account = get_directory().find(login) if login else None
    tree = unit_tree()
    if account is not None:
        if row.unit and row.unit != account.unit_code:
            row.errors.append(RowError(line, "unit", "unit_mismatch"))
        row.unit = account.unit_code
        row.action = "update" if row.phone and row.phone != account.phone else "unchanged"
        if row.action == "update":
            _check_phone_update(row, account.phone, fill_scope)
    elif login:
        row.action = "create"
        if not can_create:
            row.errors.append(RowError(line, "email", "account_unknown"))
        if not row.name:
            row.errors.append(RowError(line, "name", "name_required"))
        if not row.unit:
            row.errors.append(RowError(line, "unit", "unit_required"))
        elif tree.get(row.unit) is None or tree.get(row.unit).kind != "unit":  # type: ignore[union-attr]
            row.errors.append(RowError(line, "unit", "unit_unknown"))
    if row.unit and scope is not None and row.unit not in scope:
        row.errors.append(RowError(line, "unit", "unit_out_of_scope"))
    return row


def _check_phone_update(
    row: PlannedRow, on_file: str | None, fill_scope: Collection[str] | None
) -> None:
    """A number on file is a credential: a file replaces none (the request workflow does, on
    three people's word), and fills one only for those who may (the provider)."""
    if on_file is not None:
        row.errors.append(RowError(row.line, "phone", "phone_on_file"))
    elif fill_scope is not None and row.unit not in fill_scope:
        row.errors.append(RowError(row.line, "phone", "phone_by_request"))


def plan_import(
    rows: list[SourceRow],
    *,
    scope: Collection[str] | None = None,
    fill_scope: Collection[str] | None = None,
) -> ImportPlan:
    """Check each row against the directory and the importer's units (None: every unit);
    ``fill_scope`` is where the importer may put a first number on an existing account."""
    can_create = isinstance(get_directory(), SqlDirectory)
    planned, seen = [], set()
    for source in rows:
        row = _check(source, scope, fill_scope, can_create)
        if row.login and row.login in seen:
            row.errors.append(RowError(row.line, "email", "email_duplicate"))
        seen.add(row.login)
        planned.append(row)
    return ImportPlan(planned)


def apply_plan(plan: ImportPlan, *, actor: str, ip: str | None = None) -> int:
    """Write every row, or nothing if any row is bad; returns the rows written."""
    if plan.errors:
        raise ValueError("an import with bad rows is never applied")
    directory = get_directory()
    written = 0
    with transaction.atomic():
        for row in plan.rows:
            if row.action == "create":
                add_account(row.login, name=row.name, unit=row.unit, phone=row.phone, actor=actor)
            elif row.action == "update" and row.phone:
                account = directory.find(row.login)
                if account is None:
                    raise ValueError(f"{row.login} vanished during the import")
                # Refuses (PhoneChangeRefused) a number that arrived since the preview.
                change_phone(account, row.phone, actor=actor, source="import", ip=ip)
            else:
                continue
            written += 1
    return written
