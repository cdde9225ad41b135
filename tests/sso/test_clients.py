"""Relying parties from the command line: JSON out, one-line errors, audit rows."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from oauth2_provider.models import Application

from govid.audit.models import Event
from govid.sso.keys import signing_keys

LOGOUT_BAD = ("--post-logout-uri", "javascript:alert(1)")


def run(*args: str):
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_add_list_and_remove_a_client(db):
    added = run(
        "sso",
        "add-client",
        "Hệ thống quản lý văn bản",
        "--redirect-uri",
        "https://vanban.soctrang.gov.vn/oidc/callback",
        "--redirect-uri",
        "https://vanban.soctrang.gov.vn/oidc/callback2",
        "--post-logout-uri",
        "https://vanban.soctrang.gov.vn/",
        "--trusted",
    )
    assert set(added) == {"client_id", "client_secret"}
    stored = Application.objects.get(client_id=added["client_id"])
    assert stored.client_secret != added["client_secret"]  # kept only as a hash
    assert run("sso", "list-clients") == [
        {
            "client_id": added["client_id"],
            "name": "Hệ thống quản lý văn bản",
            "public": False,
            "trusted": True,
            "redirect_uris": [
                "https://vanban.soctrang.gov.vn/oidc/callback",
                "https://vanban.soctrang.gov.vn/oidc/callback2",
            ],
            "post_logout_uris": ["https://vanban.soctrang.gov.vn/"],
            "backchannel_logout_uri": "",
            "frontchannel_logout_uri": "",
        }
    ]
    assert run("sso", "remove-client", added["client_id"]) == {
        "client_id": added["client_id"],
        "removed": True,
    }
    assert run("sso", "list-clients") == []
    actions = list(Event.objects.filter(actor="cli").values_list("action", flat=True))
    assert sorted(actions) == ["client_added", "client_removed"]
    assert added["client_secret"] not in json.dumps(list(Event.objects.values_list("data")))


def test_a_public_client_has_no_secret(db):
    added = run("sso", "add-client", "App", "--redirect-uri", "https://app.example/cb", "--public")
    assert added["client_secret"] is None
    assert run("sso", "list-clients")[0]["public"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sso", "add-client", "X", "--redirect-uri", "ftp://x.example/cb"), "redirect uri"),
        (("sso", "add-client", "X", "--redirect-uri", "https://x.example/cb#f"), "redirect uri"),
        (
            ("sso", "add-client", "X", "--redirect-uri", "https://x.example/cb", *LOGOUT_BAD),
            "post-logout uri",
        ),
        (("sso", "add-client", " ", "--redirect-uri", "https://x.example/cb"), "needs a name"),
        (("sso", "remove-client", "khong-co"), "no client 'khong-co'"),
    ],
)
def test_bad_arguments_give_a_one_line_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(*args, stdout=StringIO())
    assert not Application.objects.exists()


def test_rotating_the_key_keeps_the_old_one_published(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    first = signing_keys(tmp_path)
    rotated = run("sso", "rotate-key")
    assert rotated["rotated"] is True and len(rotated["retired_keys"]) == 1
    after = signing_keys(tmp_path)
    assert after.active != first.active
    assert after.retired == (first.active,)
    assert oct((tmp_path / "oidc-keys" / "active.pem").stat().st_mode)[-3:] == "600"
    assert Event.objects.filter(action="signing_key_rotated").exists()
