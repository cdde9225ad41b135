"""The login page when the directory says the password has expired: no dead end, but the way
into recovery. Through ZimbraDirectory and its stand-in (a directory that has a maximum age)."""

from __future__ import annotations

import pytest

from govid.audit.models import Event
from tests.conftest import PASSWORD

pytestmark = pytest.mark.once
LOGIN = "an.nguyen@soctrang.gov.vn"


@pytest.fixture
def mailbox(zimbra, settings, db):
    settings.GOVID_DIRECTORY = {"backend": "zimbra"}
    conf = zimbra.settings()
    settings.GOVID_ZIMBRA = {
        "admin_url": conf.admin_url,
        "user_url": conf.user_url,
        "admin_name": conf.admin_name,
        "admin_password": conf.admin_password,
        "ca_file": conf.ca_file,
    }
    zimbra.cos["zimbraPasswordMaxAge"] = "90"
    return zimbra.add_account(
        LOGIN, PASSWORD, displayName="Nguyễn Văn An", ou="MYTU-VHTT", mobile="0393555121"
    )


def test_an_expired_password_typed_right_leads_to_recovery(client, mailbox):
    mailbox.attrs["zimbraPasswordModifiedTime"] = "20250101000000Z"  # long past 90 days
    response = client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Mật khẩu của bạn đã hết hạn" in html
    assert 'href="/quen-mat-khau/"' in html and "Đặt mật khẩu mới" in html
    assert "_auth_user_id" not in client.session
    assert client.get("/tai-khoan/").status_code == 302  # not signed in
    event = Event.objects.get(action="login_refused", subject=LOGIN)
    assert event.data["reason"] == "password_expired"
    assert not Event.objects.filter(action="login_failed").exists()  # the password was right


def test_an_expired_password_typed_wrong_says_only_that_it_is_wrong(client, mailbox):
    mailbox.attrs["zimbraPasswordModifiedTime"] = "20250101000000Z"
    response = client.post("/", {"username": "an.nguyen", "password": "Sai@Matkhau1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tên tài khoản hoặc mật khẩu không đúng." in html
    assert "hết hạn" not in html


def test_a_password_within_its_maximum_age_logs_in(client, mailbox):
    response = client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert response.headers["Location"] == "/tai-khoan/"


def test_the_expired_page_reads_in_english_too(client, mailbox):
    mailbox.attrs["zimbraPasswordModifiedTime"] = "20250101000000Z"
    client.cookies["govid_language"] = "en"
    response = client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your password has expired" in html and "Set a new password" in html
