"""Inert cells: what a spreadsheet would run gets a leading quote, and imports take it off."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govid.spreadsheets import FORMULA_STARTS, InertCsvWriter, inert_cell, inert_text, original_text


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","y")',
        "+1",
        "@SUM(1)",
        "-2+3",
        "\tx",
        "\r=1",
        " =1+1",
        "\n\t@A1",
        "'=1",
    ],
)
def test_a_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert inert_text(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Nguyễn Văn An", "0912345678", "a=b", "x;=1", "'abc", "#N/A"])
def test_a_text_no_spreadsheet_would_run_is_left_alone(text):
    assert inert_text(text) == text


def test_numbers_stay_numbers_and_everything_else_becomes_text():
    assert [inert_cell(v) for v in (-2, 1.5, Decimal("3"), None, True, {"a": "=1"})] == [
        -2,
        1.5,
        Decimal("3"),
        "",
        "True",
        "{'a': '=1'}",
    ]


@given(st.text(alphabet=st.sampled_from([*FORMULA_STARTS, "'", " ", "a", "1"])))
def test_an_import_reads_back_exactly_what_an_export_made_inert(text):
    assert original_text(inert_text(text)) == text


def test_every_csv_cell_is_quoted_so_a_separator_inside_stays_inside():
    out = io.StringIO()
    InertCsvWriter(out).writerow(["x;=1+1", 7, "=1"])
    assert out.getvalue() == '"x;=1+1","7","\'=1"\r\n'
    as_semicolons = next(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert as_semicolons == ['x;=1+1,"7","\'=1"']  # one cell, not "x" and "=1+1"


def test_a_control_character_in_a_name_does_not_stop_the_export():
    from openpyxl import Workbook

    from govid.spreadsheets import append_inert_row

    sheet = Workbook().active
    append_inert_row(sheet, ["an\x00.nguyen", "=x\x07y"])
    assert [cell.value for cell in sheet[1]] == ["an.nguyen", "'=xy"]
