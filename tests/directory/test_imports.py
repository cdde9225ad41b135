"""manage.py accounts import: any column order, Vietnamese headers, legacy numbers converted,
bad rows refused with their line numbers, and a dry run that writes nothing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from govid.audit.models import Event
from govid.directory.imports import ImportFileError, plan_import, read_table
from govid.directory.models import StoredAccount


def run_import(path, *extra: str) -> tuple[dict[str, object], str | None]:
    out = StringIO()
    try:
        call_command("accounts", "import", str(path), *extra, stdout=out)
        error = None
    except CommandError as refused:
        error = str(refused)
    return json.loads(out.getvalue()), error


def write_csv(tmp_path, text: str, name: str = "ds.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


VIETNAMESE_CSV = (
    "Số điện thoại;Họ và tên;Email công vụ;Mã đơn vị\n"
    "0166 355 1212;Trần Văn Mới;tran.moi@soctrang.gov.vn;MYTU-VHTT\n"
    "+84 912 000 333;Thử nghiệm;vnpt_testvpdt3;\n"
)


def test_vietnamese_headers_in_any_order_and_the_2018_conversion(phoneless_account, tmp_path):
    account = phoneless_account
    report, error = run_import(write_csv(tmp_path, VIETNAMESE_CSV))
    assert error is None, report
    assert (report["create"], report["update"], report["written"]) == (1, 1, 2)
    assert report["converted_lines"] == [2]
    created = StoredAccount.objects.get(login="tran.moi@soctrang.gov.vn")
    assert created.phone == "+84363551212" and created.unit.code == "MYTU-VHTT"
    assert StoredAccount.objects.get(pk=account.pk).phone == "+84912000333"
    changed = Event.objects.get(action="phone_changed", subject=account.login)
    assert changed.data["phone"] == "0912XXX333"  # masked in the audit log


def test_bad_rows_are_refused_with_their_line_numbers_and_nothing_is_written(account, tmp_path):
    text = (
        "email,name,unit,phone\n"
        "moi.mot@soctrang.gov.vn,Một,MYTU-VHTT,0393 111 222\n"  # line 2: fine
        "moi.hai@soctrang.gov.vn,Hai,MYTU-VHTT,0299 3822 222\n"  # line 3: landline
        "\n"  # line 4: blank, skipped
        "moi.ba@soctrang.gov.vn,Ba,MYTU-VHTT,+33 6 12 34 56 78\n"  # line 5: foreign
        "khong hop le,Bốn,MYTU-VHTT,0393111223\n"  # line 6: not an address
        "moi.nam@soctrang.gov.vn,Năm,KHONGCO,0393111224\n"  # line 7: unknown unit
        "moi.mot@soctrang.gov.vn,Một,MYTU-VHTT,0393 111 222\n"  # line 8: duplicate
    )
    before = StoredAccount.objects.count()
    report, error = run_import(write_csv(tmp_path, text))
    assert error == "5 bad row(s); nothing written"
    assert [(e["line"], e["column"], e["code"]) for e in report["errors"]] == [
        (3, "phone", "phone_not_mobile"),
        (5, "phone", "phone_foreign"),
        (6, "email", "email_invalid"),
        (7, "unit", "unit_unknown"),
        (8, "email", "email_duplicate"),
    ]
    assert all(e["message"] for e in report["errors"])
    assert StoredAccount.objects.count() == before


def test_addresses_outside_the_provinces_domains_are_refused_with_their_own_code(units, tmp_path):
    text = (
        "email,name,unit,phone\n"
        "moi.mot@gmail.com,Một,MYTU-VHTT,0393111221\n"  # another domain
        "moi.hai@soctrang.gov.vn.,Hai,MYTU-VHTT,0393111222\n"  # a trailing dot
        "\u212aiem.ba@soctrang.gov.vn,Ba,MYTU-VHTT,0393111223\n"  # the Kelvin sign
        "moi..bon@soctrang.gov.vn,Bốn,MYTU-VHTT,0393111224\n"
        "moi.nam@soctrang..gov.vn,Năm,MYTU-VHTT,0393111225\n"
    )
    report, error = run_import(write_csv(tmp_path, text))
    assert error == "5 bad row(s); nothing written"
    assert [(e["line"], e["code"]) for e in report["errors"]] == [
        (2, "email_other_domain"),
        (3, "email_invalid"),
        (4, "email_invalid"),
        (5, "email_invalid"),
        (6, "email_invalid"),
    ]
    assert report["errors"][0]["message"] != "email_other_domain"  # a sentence, not the code
    assert not StoredAccount.objects.exists()


def test_a_dry_run_writes_nothing(phoneless_account, tmp_path):
    events = Event.objects.count()
    report, error = run_import(write_csv(tmp_path, VIETNAMESE_CSV), "--dry-run")
    assert error is None and report["dry_run"] is True and "written" not in report
    assert not StoredAccount.objects.filter(login="tran.moi@soctrang.gov.vn").exists()
    assert StoredAccount.objects.get(pk=phoneless_account.pk).phone == ""
    assert Event.objects.count() == events


def test_xlsx_with_numbers_as_cells(phoneless_account, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Phone", "Email"])
    sheet.append([1663551212, "vnpt_testvpdt3@soctrang.gov.vn"])  # 0166... typed as a number
    path = tmp_path / "ds.xlsx"
    book.save(path)
    report, error = run_import(path)
    assert error is None and report["update"] == 1
    assert StoredAccount.objects.get(pk=phoneless_account.pk).phone == "+84363551212"


def test_a_file_never_replaces_a_number_on_file(account, tmp_path):
    """A phone is a credential: replacing one takes the request workflow's three people."""
    text = "email,phone\nan.nguyen,0912 000 333\n"
    report, error = run_import(write_csv(tmp_path, text))
    assert error == "1 bad row(s); nothing written"
    assert [(e["line"], e["code"]) for e in report["errors"]] == [(2, "phone_on_file")]
    assert "through a request" in report["errors"][0]["message"]  # the command speaks English
    assert StoredAccount.objects.get(pk=account.pk).phone == "+84393555121"
    assert not Event.objects.filter(action="phone_changed").exists()


def test_only_the_provider_fills_a_first_number_on_an_existing_account(phoneless_account):
    rows = read_table(b"email,phone\nvnpt_testvpdt3,0393555122\n", "x.csv")
    officer = plan_import(rows, scope={"MYTU-VHTT"}, fill_scope=set())
    assert [e.code for e in officer.errors] == ["phone_by_request"]
    provider = plan_import(rows, scope=None, fill_scope=None)
    assert provider.errors == [] and provider.count("update") == 1


def test_a_missing_column_or_a_broken_file_is_one_clear_error(units, tmp_path):
    with pytest.raises(CommandError, match="phone"):
        call_command("accounts", "import", str(write_csv(tmp_path, "email,name\na@b.vn,A\n")))
    broken = tmp_path / "ds.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError, match="XLSX"):
        call_command("accounts", "import", str(broken))


def test_scope_refuses_other_units(phoneless_account, units):
    rows = read_table(b"email,phone,unit\nvnpt_testvpdt3,0393555122,\n", "x.csv")
    plan = plan_import(rows, scope={"OTHER"})
    assert [e.code for e in plan.errors] == ["unit_out_of_scope"]


def test_a_file_that_is_neither_is_refused():
    with pytest.raises(ImportFileError) as refused:
        read_table(b"\x89PNG...", "anh.png")
    assert refused.value.code == "unknown_format"
