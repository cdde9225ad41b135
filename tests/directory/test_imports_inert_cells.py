"""An import reads a cell govid's exports made inert as it was: ``'=1+1`` comes back ``=1+1``,
so that an exported list corrected and imported again changes nothing it should not."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from govid.directory.imports import read_table
from govid.spreadsheets import append_inert_row

# (as the export wrote it, as the import reads it)
CELLS = [
    ('\'=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'),
    ("'+1", "+1"),
    ("'@SUM(1)", "@SUM(1)"),
    ("'-2+3", "-2+3"),
    ("'abc", "'abc"),  # a quote no export adds is what the person typed
    ("''=x", "'=x"),  # what an export writes for "'=x"
    ("Nguyễn Văn An", "Nguyễn Văn An"),
]


def names_read(content: bytes, filename: str) -> list[str]:
    return [row.values["name"] for row in read_table(content, filename)]


def test_a_csv_cell_an_export_quoted_reads_back_as_it_was():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "name", "phone"])
    writer.writerows([f"a{i}", written, ""] for i, (written, _read) in enumerate(CELLS))
    assert names_read(out.getvalue().encode(), "ds.csv") == [read for _written, read in CELLS]


def test_an_exported_xlsx_reads_back_as_the_values_it_was_made_of():
    book = Workbook()
    sheet = book.active
    append_inert_row(sheet, ["email", "name", "phone"])
    originals = [read for _written, read in CELLS if not read.startswith("'")]
    for i, name in enumerate(originals):
        append_inert_row(sheet, [f"a{i}", name, ""])
    out = io.BytesIO()
    book.save(out)
    assert names_read(out.getvalue(), "ds.xlsx") == originals
