"""Security notices on the live server: a sign-in from a new browser arrives as an e-mail at
a real SMTP server (sent by the server's own task worker); the same browser again sends none."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import serve
from tests.e2e.people import log_in
from tests.servers.smtp import SmtpServer

# Its own server (with an SMTP server); nothing here differs on PostgreSQL + Redis.
pytestmark = [pytest.mark.e2e, pytest.mark.once]

LOGIN = "an.nguyen@soctrang.gov.vn"  # a demo account
ANDROID = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Version/18.0 Mobile Safari/604.1"


def browser_of(browser, agent: str | None = None):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", user_agent=agent
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def test_a_new_browser_is_told_by_e_mail_and_the_same_one_again_is_not(browser, tmp_path):
    smtp = SmtpServer().start()
    try:
        with serve(tmp_path, **smtp.env()) as live:
            office = browser_of(browser)
            log_in(office, live, "an.nguyen")  # the account's first sign-in: no alarm
            phone = browser_of(browser, ANDROID)
            log_in(phone, live, "an.nguyen")
            assert "Tài khoản của tôi" in phone.content()
            [mail] = smtp.wait_for(1)
            assert mail.recipients == [LOGIN]
            assert "Thiết bị: Chrome trên Android" in mail.text
            assert "Địa chỉ mạng: 127.0.0.1" in mail.text
            assert f"{live.url}/quen-mat-khau/" in mail.text
            # The same phone signs out and in again; then a third browser signs in: only the
            # third is told (the worker sends in order, so a notice for the phone would be first).
            phone.get_by_role("button", name="Đăng xuất", exact=True).last.click()
            log_in(phone, live, "an.nguyen")
            log_in(browser_of(browser, IPHONE), live, "an.nguyen")
            mails = smtp.wait_for(2)
            time.sleep(0.5)
            assert len(smtp.delivered) == 2
            assert "Thiết bị: Safari trên iPhone" in mails[1].text
    finally:
        smtp.stop()
