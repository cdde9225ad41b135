"""Attacks on who an account is and on the OpenID Connect protocol's edges, the way an attacker
goes: a crafted import file, the admin page, a link to the authorization endpoint, the token
and userinfo endpoints called by hand.

Look-alike and twin addresses (the Kelvin sign that lower() turns into "k", a trailing dot)
must never reach an account; a stolen code needs its redirect_uri; a challenge too long for
the database is a refusal, not a crash; a token in a URL is refused; a program listening on
another loopback port of the victim's machine gets no code, not even the demo's.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from govid.audit.models import Event
from govid.demo.client import CLIENT_ID as DEMO_CLIENT_ID
from govid.demo.client import register_demo_client
from govid.directory.models import StoredAccount, Unit
from govid.directory.provision import add_account
from tests.sso.oidc import RelyingParty, callback, register, signed_in

KELVIN = "\u212a"  # KELVIN SIGN: "\u212a".lower() == "k"


def crafted_import(tmp_path, rows: list[str]) -> dict[str, object]:
    path = tmp_path / "danh-sach.csv"
    path.write_text("email,name,unit,phone\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="nothing written"):
        call_command("accounts", "import", str(path), stdout=out)
    report: dict[str, object] = json.loads(out.getvalue())
    return report


def test_a_look_alike_address_in_an_import_puts_no_phone_on_the_real_account(units, tmp_path):
    victim = add_account(
        "kiemtra@soctrang.gov.vn", name="Đỗ Thị Thanh", unit="MYTU-VHTT", actor="t"
    )
    look_alike = KELVIN + "iemtra@soctrang.gov.vn"  # not the victim's address to the eye
    assert look_alike.lower() == victim.login  # but lower() makes it the victim's
    report = crafted_import(tmp_path, [f"{look_alike},Kẻ gian,MYTU-VHTT,0918 666 777"])
    errors = report["errors"]
    assert [(e["line"], e["column"], e["code"]) for e in errors] == [(2, "email", "email_invalid")]
    assert StoredAccount.objects.get(pk=victim.pk).phone == ""
    assert not Event.objects.filter(action="phone_changed").exists()


def test_an_import_creates_no_twin_of_an_account_nor_one_of_another_domain(account, tmp_path):
    report = crafted_import(
        tmp_path,
        [
            "an.nguyen@soctrang.gov.vn.,Nguyễn Văn An,MYTU-VHTT,0918 666 001",  # the twin
            "an.nguyen@soctrang.gov.vn.evil.example,Nguyễn Văn An,MYTU-VHTT,0918 666 002",
            "an.nguyen@gmail.com,Nguyễn Văn An,MYTU-VHTT,0918 666 003",
        ],
    )
    codes = [error["code"] for error in report["errors"]]
    assert codes == ["email_invalid", "email_other_domain", "email_other_domain"]
    assert list(StoredAccount.objects.values_list("login", flat=True)) == [account.login]


def test_the_admin_page_creates_no_twin_of_the_administrator(administrator):
    unit = Unit.objects.get(code="MYTU-VHTT")
    for twin in ("quantri@soctrang.gov.vn.", KELVIN + "iemtra@soctrang.gov.vn", "quantri@evil.vn"):
        page = administrator.post(
            "/quan-tri/directory/storedaccount/add/",
            {"login": twin, "name": "Quản trị", "unit": unit.pk, "phone": ""},
        )
        assert page.status_code == 200, twin  # the form again, with its error
    assert sorted(StoredAccount.objects.values_list("login", flat=True)) == [
        "quantri@soctrang.gov.vn"
    ]


def test_a_stolen_code_is_not_redeemed_without_its_redirect_uri(account):
    rp = register()
    code = rp.code(signed_in())
    stolen = rp.token(code, redirect_uri=None)
    assert stolen.status_code == 400
    assert stolen.json()["error"] in ("invalid_request", "invalid_grant")
    assert "access_token" not in stolen.json() and "id_token" not in stolen.json()


def test_a_challenge_too_long_for_the_database_is_refused_and_nothing_breaks(account):
    rp = register()
    answer = callback(rp.authorize(signed_in(), code_challenge="A" * 10_000))
    assert answer["error"] == "invalid_request" and "code" not in answer


def test_an_access_token_in_a_link_opens_no_userinfo(account):
    rp = register()
    token = rp.token(rp.code(signed_in())).json()["access_token"]
    leaked = Client().get(f"/oidc/userinfo/?access_token={token}")
    assert leaked.status_code == 401
    assert "invalid_token" in leaked.headers["WWW-Authenticate"]
    assert b"email" not in leaked.content


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_a_program_on_another_loopback_port_gets_no_demo_code(account, settings, host):
    """The demo is trusted (no consent page): a link naming its client and another port of the
    victim's own machine would hand a local program the victim's code without a question."""
    settings.GOVID_DEMO = {"port": "8000"}
    register_demo_client()
    demo = RelyingParty(DEMO_CLIENT_ID, None, redirect_uri=f"http://{host}:4444/demo/callback/")
    page = demo.authorize(signed_in())
    assert page.status_code == 400 and "Location" not in page.headers
    assert "code=" not in page.content.decode()
