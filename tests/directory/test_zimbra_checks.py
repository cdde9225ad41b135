"""GOVID_DIRECTORY=zimbra is refused at start until its configuration can work."""

from __future__ import annotations

from govid.directory.checks import check_zimbra
from tests.test_configuration import check

COMPLETE = {
    "admin_url": "https://mail.soctrang.gov.vn:7071/service/admin/soap",
    "admin_name": "govid-admin@soctrang.gov.vn",
    "admin_password": "Quan-tri#govid-2026",
}


def test_an_incomplete_zimbra_configuration_stops_the_start_naming_each_missing_variable(
    tmp_path,
):
    result = check(tmp_path, GOVID_DIRECTORY="zimbra", GOVID_ZIMBRA_ADMIN_NAME="govid-admin")
    assert result.returncode != 0
    for name in ("GOVID_ZIMBRA_ADMIN_URL", "GOVID_ZIMBRA_ADMIN_PASSWORD"):
        assert f"GOVID_DIRECTORY=zimbra needs {name}" in result.stderr
    assert "needs GOVID_ZIMBRA_ADMIN_NAME" not in result.stderr


def test_a_complete_zimbra_configuration_passes(settings):
    settings.GOVID_DIRECTORY = {"backend": "zimbra"}
    settings.GOVID_ZIMBRA = COMPLETE
    assert check_zimbra() == []


def test_plain_http_and_a_missing_ca_file_are_refused(settings, tmp_path):
    settings.GOVID_DIRECTORY = {"backend": "zimbra"}
    settings.GOVID_ZIMBRA = {
        **COMPLETE,
        "user_url": "http://mail.soctrang.gov.vn/service/soap",
        "ca_file": str(tmp_path / "missing.pem"),
    }
    messages = [error.msg for error in check_zimbra()]
    assert messages == [
        "'http://mail.soctrang.gov.vn/service/soap': Zimbra is reached over https:// only",
        f"GOVID_ZIMBRA_CA_FILE='{tmp_path / 'missing.pem'}' is not a file",
    ]


def test_other_directories_need_no_zimbra_variable(settings):
    settings.GOVID_ZIMBRA = {}
    assert check_zimbra() == []
