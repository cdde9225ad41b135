"""The administrator's command line: JSON out, one-line errors, non-zero exit."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govid.audit.models import Event


def run(*args: str) -> object:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_units_add_and_list(db):
    assert run("units", "add", "ST", "--name", "Tỉnh Sóc Trăng") == {
        "code": "ST",
        "name": "Tỉnh Sóc Trăng",
        "kind": "province",
        "parent": None,
    }
    run("units", "add", "MYTU", "--name", "Huyện Mỹ Tú", "--parent", "ST")
    run("units", "add", "MYTU-VHTT", "--name", "Phòng VH-TT", "--parent", "MYTU")
    listed = run("units", "list")
    assert [(u["code"], u["kind"], u["parent"]) for u in listed] == [
        ("MYTU", "district", "ST"),
        ("MYTU-VHTT", "unit", "MYTU"),
        ("ST", "province", None),
    ]


def test_accounts_add_show_lock_unlock_set_phone(units):
    added = run(
        "accounts",
        "add",
        "Binh.Tran@soctrang.gov.vn",
        "--name",
        "Trần Thị Bình",
        "--unit",
        "MYTU-VHTT",
        "--phone",
        "0912 345 678",
        "--password",
        "Cu@Matkhau2025",
    )
    assert added["login"] == "binh.tran@soctrang.gov.vn"
    assert added["phone"] == "+84912345678" and added["phone_masked"] == "0912XXX678"
    assert run("accounts", "lock", "binh.tran") == {
        "login": "binh.tran@soctrang.gov.vn",
        "locked": True,
    }
    assert run("accounts", "show", "binh.tran")["locked"] is True
    run("accounts", "unlock", "binh.tran")
    assert run("accounts", "show", "binh.tran")["locked"] is False
    with pytest.raises(CommandError, match="only through a request"):
        run("accounts", "set-phone", "binh.tran", "+84 393 555 121")  # a number is on file
    assert run("accounts", "show", "binh.tran")["phone"] == "+84912345678"
    run("accounts", "add", "moi@soctrang.gov.vn", "--name", "Mới", "--unit", "MYTU-VHTT")
    run("accounts", "set-phone", "moi", "+84 393 555 121")  # a first number: one person
    assert run("accounts", "show", "moi")["phone"] == "+84393555121"
    actions = set(Event.objects.filter(actor="cli").values_list("action", flat=True))
    assert {"account_added", "account_locked", "account_unlocked", "phone_changed"} <= actions


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("accounts", "show", "khong.co"), "no account"),
        (("accounts", "set-phone", "an.nguyen", "02993822222"), "invalid phone"),
        (("accounts", "add", "x@soctrang.gov.vn", "--name", "X", "--unit", "NOPE"), "no unit"),
        (("accounts", "add", "an.nguyen", "--name", "X", "--unit", "MYTU-VHTT"), "already exists"),
        (("accounts", "add", "a b", "--name", "X", "--unit", "MYTU-VHTT"), "not a mail address"),
        (
            ("accounts", "add", "moi@gmail.com", "--name", "X", "--unit", "MYTU-VHTT"),
            r"'moi@gmail.com' is not an address of GOVID_MAIL_DOMAINS \(soctrang.gov.vn\)",
        ),
        (
            ("accounts", "add", "moi@soctrang.gov.vn.", "--name", "X", "--unit", "MYTU-VHTT"),
            "not a mail address",
        ),
        (
            ("accounts", "add", "\u212aiem.tra", "--name", "X", "--unit", "MYTU-VHTT"),
            "not a mail address",
        ),
        (("units", "add", "ST", "--name", "Lặp"), "already exists"),
        (("units", "add", "X1", "--name", "X", "--parent", "NOPE"), "no unit"),
    ],
)
def test_bad_arguments_give_a_one_line_error(account, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(*args, stdout=StringIO())


def test_a_bad_argument_exits_non_zero_with_one_line(tmp_path):
    env_var = {"GOVID_VAR_DIR": str(tmp_path)}
    import os

    result = subprocess.run(
        [sys.executable, "manage.py", "accounts", "set-phone"],
        capture_output=True,
        text=True,
        env={**os.environ, **env_var},
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("manage.py accounts set-phone")
