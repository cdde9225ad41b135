"""Importing accounts and phones from a spreadsheet: read, check every row, then apply."""

from govid.directory.imports.plan import (
    ImportPlan,
    PlannedRow,
    RowError,
    apply_plan,
    plan_import,
)
from govid.directory.imports.reader import ImportFileError, read_table

__all__ = [
    "ImportFileError",
    "ImportPlan",
    "PlannedRow",
    "RowError",
    "apply_plan",
    "plan_import",
    "read_table",
]
