"""A sign-in from a browser new to the account is told to its official mailbox."""

from __future__ import annotations

import pytest
from django.test import Client

from govid import clock
from govid.audit.models import Event
from govid.sso.notices.browsers import cookie_name
from govid.sso.notices.models import MailNotice
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "an.nguyen@soctrang.gov.vn"
WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def browser(agent: str = WINDOWS_CHROME) -> Client:
    return Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="203.0.113.7")


def sign_in(client: Client) -> None:
    answer = client.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert answer.status_code == 302 and answer.headers["Location"] == "/tai-khoan/"


def test_the_first_sign_in_of_a_new_account_raises_no_alarm(account, smtp):
    sign_in(browser())
    assert smtp.delivered == []
    assert not MailNotice.objects.exists()


def test_a_sign_in_from_a_new_browser_is_mailed_in_vietnamese_and_english(
    account, smtp, sms, frozen
):
    sign_in(browser())  # the office PC: the account's first browser
    sign_in(browser("Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"))
    [mail] = smtp.delivered
    assert mail.recipients == [LOGIN]  # the official mailbox
    assert mail.message["To"] == LOGIN
    assert mail.message["From"] == "khong-tra-loi@soctrang.gov.vn"
    subject = mail.message["Subject"].strip()
    assert subject == "Đăng nhập từ thiết bị mới / Sign-in from a new device"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert mail.message.get_content_charset() == "utf-8"
    text = mail.text
    vietnamese, english = text.split("---------- English ----------")
    assert "Kính gửi Nguyễn Văn An," in vietnamese
    assert (
        f"Tài khoản {LOGIN} vừa được đăng nhập từ một thiết bị (trình duyệt) chưa từng dùng."
        in vietnamese
    )
    assert "Thời gian: 08:00, 24/11/2026 (giờ Việt Nam)" in vietnamese  # 01:00 UTC
    assert "Thiết bị: Chrome trên Android" in vietnamese
    assert "Địa chỉ mạng: 203.0.113.7" in vietnamese
    assert "http://testserver/quen-mat-khau/" in vietnamese
    assert "0299 3 888 999" in vietnamese
    assert "Dear Nguyễn Văn An," in english
    assert "Device: Chrome on Android" in english
    assert "Time: 08:00, 24/11/2026 (Vietnam time)" in english
    assert sms.sent == []  # a new device costs no SMS by default
    assert Event.objects.filter(
        action="notice_emailed", subject=LOGIN, data__notice="new_device"
    ).exists()


def test_a_second_sign_in_from_the_same_browser_is_not_told(account, smtp):
    sign_in(browser())
    laptop = browser()
    sign_in(laptop)
    assert len(smtp.delivered) == 1
    laptop.post("/dang-xuat/")
    sign_in(laptop)
    assert len(smtp.delivered) == 1


def test_the_device_cookie_is_signed_http_only_and_names_no_account(account, smtp):
    sign_in(browser())
    laptop = browser()
    sign_in(laptop)
    cookie = laptop.cookies[cookie_name()]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "an.nguyen" not in cookie.value
    forged = browser()
    forged.cookies[cookie_name()] = cookie.value[:-2] + "xx"  # tampered with: no id at all
    sign_in(forged)
    assert len(smtp.delivered) == 2


def test_a_browser_another_account_signed_in_from_is_still_new_to_this_one(
    account, locked_account, smtp, units
):
    from govid.directory.provision import add_account

    add_account(
        "binh.tran@soctrang.gov.vn",
        name="Trần Thị Bình",
        unit="MYTU-VHTT",
        phone=None,
        password=PASSWORD,
        actor="test",
    )
    sign_in(browser())
    shared = browser()
    shared.post("/", {"username": "binh.tran", "password": PASSWORD})
    shared.post("/dang-xuat/")
    sign_in(shared)
    assert [mail.recipients for mail in smtp.delivered] == [[LOGIN]]


def test_only_the_most_recent_browsers_are_remembered(account, smtp, settings, frozen):
    from datetime import timedelta

    settings.GOVID_NOTICES = {"known_browsers": 2}
    office, phone, laptop = browser(), browser(), browser()
    for device in (office, phone, laptop):  # the first is adopted quietly, two are new
        sign_in(device)
        device.post("/dang-xuat/")
        clock.advance(timedelta(minutes=1))
    assert len(smtp.delivered) == 2
    sign_in(laptop)  # still remembered: nothing to tell
    laptop.post("/dang-xuat/")
    assert len(smtp.delivered) == 2
    sign_in(office)  # the least recently used was forgotten: new again
    assert len(smtp.delivered) == 3


def test_no_mail_server_means_no_e_mail_and_the_sign_in_goes_on(account, sms, settings):
    settings.GOVID_SMTP = {}
    sign_in(browser())
    sign_in(browser())
    assert not MailNotice.objects.exists()


def test_new_device_notices_by_sms_when_configured(account, smtp, sms, settings, frozen):
    settings.GOVID_NOTICES = {"new_device": "both"}
    sign_in(browser())
    sign_in(browser())
    assert len(smtp.delivered) == 1
    [text] = [m.text for m in sms.sent]
    assert text.startswith("Tai khoan thu cong vu cua ban vua dang nhap tu thiet bi moi luc 08:")
    assert Event.objects.filter(action="notice_texted", data__notice="new_device").exists()


def test_new_device_notices_can_be_turned_off(account, smtp, sms, settings):
    settings.GOVID_NOTICES = {"new_device": "none"}
    sign_in(browser())
    sign_in(browser())
    assert smtp.delivered == [] and sms.sent == []


def test_a_sign_in_with_a_second_factor_is_told_once_the_second_step_is_done(account, smtp, frozen):
    from tests.sso.test_factors import SECOND_STEP, code_now, enrolled

    secret, _codes = enrolled(account, frozen)  # the first browser; its enrolment is mailed
    assert [m.message["Subject"].strip()[:14] for m in smtp.delivered] == ["Đã thêm cách x"]
    phone = browser()
    answer = phone.post("/", {"username": "an.nguyen", "password": PASSWORD})
    assert answer.headers["Location"] == SECOND_STEP
    assert len(smtp.delivered) == 1  # the password alone signs nobody in
    assert phone.post(SECOND_STEP, {"code": code_now(secret)}).status_code == 302
    assert smtp.delivered[-1].message["Subject"].strip().startswith("Đăng nhập từ thiết bị mới")
