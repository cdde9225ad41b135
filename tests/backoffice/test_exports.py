"""Every export is inert: a value that looks like a formula is text in the reader's spreadsheet,
and a separator inside a value starts no new cell."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from govid.audit.log import record
from govid.directory.models import StoredAccount, Unit
from govid.directory.provision import add_account, add_unit
from tests.backoffice.conftest import DOMAIN

# What a spreadsheet would run; the last two start with blanks, as a directory may hold them.
FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "@SUM(1)", "-2+3", "\tx", "\r=1+1", " =1+1"]
SPLIT = "x;=1+1"  # one cell to govid; two to a spreadsheet that expects ";" between cells


def login_of(i: int) -> str:
    return f"cong.thuc.{i}@{DOMAIN}"


@pytest.fixture
def formula_accounts(world) -> None:
    """Accounts of the officer's unit named like formulas (names as the directory holds them)."""
    for i, name in enumerate([*FORMULAS, "#N/A"]):
        add_account(login_of(i), name="x", unit="MYTU-HHN", actor="test")
        StoredAccount.objects.filter(login=login_of(i)).update(name=name)


@pytest.fixture
def formula_units(world) -> None:
    """Units of the reviewer's district named like formulas."""
    for i, name in enumerate([*FORMULAS, SPLIT]):
        add_unit(f"CT{i}", name="x", parent="MYTU", actor="test")
        Unit.objects.filter(code=f"CT{i}").update(name=name)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_the_accounts_export_holds_no_formula_and_quotes_formula_looking_names(
    world, formula_accounts
):
    export = world.client("officer").get("/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN")
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type != "s" and cell.value] == []
    names = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    for i, name in enumerate(FORMULAS):
        assert names[login_of(i)] == "'" + name.replace("\r", "\n")  # XML keeps no lone CR
    assert names[login_of(len(FORMULAS))] == "#N/A"  # a text, not the error it looks like
    assert names[f"co.so@{DOMAIN}"] == "Võ Minh Triết"  # plain names are left alone


def test_the_report_csv_quotes_every_cell_and_formula_looking_unit_names(world, formula_units):
    content = world.client("reviewer").get("/van-phong/bao-cao.csv").content
    names = {row[1]: row[2] for row in csv_rows(content)[1:]}
    for i, name in enumerate(FORMULAS):
        assert names[f"CT{i}"] == "'" + name
    assert names[f"CT{len(FORMULAS)}"] == SPLIT
    assert f'"{SPLIT}"' in content.decode("utf-8-sig")  # its ";" stays inside its cell


def test_the_audit_csv_quotes_every_cell_and_formula_looking_subjects(world):
    for subject in [*FORMULAS, SPLIT]:
        record("login_failed", actor="anonymous", subject=subject)
    content = world.client("auditor").get("/van-phong/nhat-ky.csv?action=login_failed").content
    subjects = [row[4] for row in csv_rows(content)[1:]]
    assert sorted(subjects) == sorted(["'" + s for s in FORMULAS] + [SPLIT])
    assert f'"{SPLIT}"' in content.decode("utf-8-sig")


def test_an_exported_list_corrected_and_imported_again_keeps_its_names(world, formula_accounts):
    officer = world.client("officer")
    export = officer.get("/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN")
    book = load_workbook(io.BytesIO(export.content))
    sheet = book.active
    names = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    # The officer adds a colleague, copying the name cell of an account as the export wrote it.
    sheet.append([f"dong.nghiep@{DOMAIN}", names[login_of(0)], "MYTU-HHN", ""])
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "tai-khoan.xlsx"
    location = officer.post("/van-phong/nhap/", {"file": upload}).headers["Location"]
    assert officer.post(location + "cap-nhat/").status_code == 302
    assert StoredAccount.objects.get(login=f"dong.nghiep@{DOMAIN}").name == FORMULAS[0]
    again = officer.get("/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN")
    rows = load_workbook(io.BytesIO(again.content)).active.iter_rows(values_only=True)
    assert {row[0]: row[1] for row in rows}[f"dong.nghiep@{DOMAIN}"] == "'" + FORMULAS[0]
