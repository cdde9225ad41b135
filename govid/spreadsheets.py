"""Cells a spreadsheet shows and never runs: what every export writes, what imports read back.

A spreadsheet runs a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (also after
blanks, a tab or a carriage return) as a formula, so a name typed by one user could act in
another user's spreadsheet (OWASP: CSV injection). Such a text leaves govid behind a single
quote; an XLSX cell is stored as a string, and every CSV cell is quoted, so that a ``;`` or
``,`` inside a value starts no new cell whatever separator the spreadsheet expects.
It sits at the bottom of the tree so that every concern (exports above, imports below) uses it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def inert_text(text: str) -> str:
    """``=1+1`` -> ``'=1+1``; a text no spreadsheet would run is returned as it is.

    ``'=1`` becomes ``''=1`` too, so that an import taking one quote off gets it back whole.
    """
    bare = text.lstrip(QUOTE)
    runs = bare[:1] in FORMULA_STARTS or bare.lstrip()[:1] in FORMULA_STARTS
    return QUOTE + text if runs else text


def inert_cell(value: object) -> str | int | float | Decimal:
    """A number stays a number (it cannot run); anything else becomes its inert text."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return inert_text(str(value))


def original_text(cell: str) -> str:
    """The inverse of ``inert_text``, for imports: ``'=1+1`` -> ``=1+1``; ``'abc`` stays."""
    rest = cell[1:]
    return rest if cell[:1] == QUOTE and inert_text(rest) == cell else cell


class InertCsvWriter:
    """``csv.writer`` with every cell inert and quoted."""

    def __init__(self, out: SupportsWrite[str]) -> None:
        self._writer = csv.writer(out, quoting=csv.QUOTE_ALL)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow([inert_cell(value) for value in values])


# Control characters the XLSX format cannot hold (openpyxl refuses them): a name typed with
# one must still export, as the rest of its text.
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def append_inert_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """Append one row of inert cells; texts are stored as strings (never formulas or errors)."""
    cells = [inert_cell(value) for value in values]
    sheet.append([_NOT_IN_XLSX.sub("", c) if isinstance(c, str) else c for c in cells])
    for cell in next(sheet.iter_rows(min_row=sheet.max_row, max_row=sheet.max_row)):
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl would store "=..." as a formula, "#N/A" as an error
