"""A factor added or removed and a password changed are told by e-mail, and by SMS where the
deployment pays for it (by default: a factor removed, a password changed)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from govid import clock
from govid.audit.models import Event
from govid.recovery import flow
from govid.sms.text import fits_one_segment
from govid.sso.api import remove_all_factors
from govid.sso.factors.models import TotpDevice
from govid.sso.notices.models import MailNotice
from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.sso.test_factors import code_now, enrol, password_step

pytestmark = pytest.mark.django_db

LOGIN = "an.nguyen@soctrang.gov.vn"
PHONE = "+84393555121"
ACCOUNT_PAGE = "/tai-khoan/"
SECURITY = "/tai-khoan/bao-mat/"


def signed_in() -> Client:
    client = Client(REMOTE_ADDR="198.51.100.4")
    assert password_step(client).status_code == 302
    return client


def change_password(client: Client) -> None:
    answer = client.post(
        ACCOUNT_PAGE,
        {"old_password": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert answer.status_code == 302


def assert_nothing_secret(text: str, *secrets: str) -> None:
    for secret in (PASSWORD, NEW_PASSWORD, *secrets):
        assert secret not in text
    assert not re.search(r"\b\d{6}\b", text)  # no code of any kind


def test_a_password_change_is_mailed_and_texted(account, smtp, sms, frozen):
    client = signed_in()
    change_password(client)
    [mail] = smtp.delivered
    assert mail.recipients == [LOGIN]
    subject = mail.message["Subject"].strip()
    assert subject == "Mật khẩu đã được thay đổi / Your password was changed"
    assert f"Mật khẩu của tài khoản {LOGIN} vừa được thay đổi." in mail.text
    assert "Địa chỉ mạng: 198.51.100.4" in mail.text
    assert "The password of the account" in mail.text
    assert_nothing_secret(mail.text)
    [text] = [m for m in sms.sent if m.to == PHONE]
    assert text.text.startswith("Mat khau thu cong vu cua ban da duoc thay doi luc 08:00")
    assert fits_one_segment(text.text) and text.text.isascii()
    notices = Event.objects.filter(subject=LOGIN, action__startswith="notice_")
    assert sorted(notices.values_list("action", "data__notice")) == [
        ("notice_emailed", "password_changed"),
        ("notice_texted", "password_changed"),
    ]


def test_a_password_reset_by_sms_code_is_told_too(account, smtp, sms, frozen):
    challenge = flow.send_code(LOGIN, ip=None)
    code = re.search(r"\b(\d{6})\b", sms.sent[-1].text)
    assert code
    flow.reset_password(str(challenge.token), code=code.group(1), password=NEW_PASSWORD, ip=None)
    [mail] = smtp.delivered
    assert f"Mật khẩu của tài khoản {LOGIN} vừa được thay đổi." in mail.text
    assert_nothing_secret(mail.text, code.group(1))
    assert sms.sent[-1].text.startswith("Mat khau thu cong vu cua ban da duoc thay doi")


def test_a_refused_password_change_tells_nobody(account, smtp, sms):
    client = signed_in()
    answer = client.post(
        ACCOUNT_PAGE, {"old_password": PASSWORD, "password1": "short", "password2": "short"}
    )
    assert answer.status_code == 400
    assert smtp.delivered == [] and sms.sent == []


def test_a_factor_added_is_mailed_only_and_names_no_secret(account, smtp, sms, frozen):
    client = signed_in()
    secret, codes = enrol(client)
    [mail] = smtp.delivered
    assert mail.message["Subject"].strip() == (
        "Đã thêm cách xác thực hai bước / Two-step verification added"
    )
    assert (
        f"Tài khoản {LOGIN} vừa được thêm một cách xác thực hai bước: ứng dụng xác thực."
        in mail.text
    )
    assert_nothing_secret(mail.text, secret, *codes, *(c.replace("-", "") for c in codes))
    assert sms.sent == []  # an SMS costs money: not for a factor added, by default


def test_a_factor_removed_is_mailed_and_texted(account, smtp, sms, frozen):
    client = signed_in()
    secret, _codes = enrol(client)
    clock.advance(timedelta(seconds=30))
    assert client.post(SECURITY, {"action": "remove"}).headers["Location"] == SECURITY
    assert not TotpDevice.objects.filter(login=LOGIN).exists()
    removed = smtp.delivered[-1]
    assert "Một cách xác thực hai bước vừa bị gỡ khỏi tài khoản" in removed.text
    assert_nothing_secret(removed.text, secret, code_now(secret))
    [text] = [m.text for m in sms.sent]
    assert text.startswith("Xac thuc hai buoc cua tai khoan thu cong vu cua ban vua bi go luc")
    assert fits_one_segment(text) and text.isascii()


def test_the_helpdesk_removing_every_factor_is_named_in_the_notice(account, smtp, sms, frozen):
    enrol(signed_in())
    remove_all_factors(LOGIN, actor="hotro@soctrang.gov.vn", ip="192.0.2.9", reference="12/CV")
    mail = smtp.delivered[-1]
    assert "Người thực hiện: hotro@soctrang.gov.vn" in mail.text
    assert "mọi cách xác thực hai bước" in mail.text
    assert "Done by: hotro@soctrang.gov.vn" in mail.text


def test_each_event_follows_its_configured_channels(account, smtp, sms, settings, frozen):
    settings.GOVID_NOTICES = {"password_changed": "sms", "factor_added": "none"}
    client = signed_in()
    enrol(client)
    change_password(client)
    assert smtp.delivered == []  # neither event by e-mail
    assert [m.text[:20] for m in sms.sent] == ["Mat khau thu cong vu"]


def test_without_a_mail_server_the_sms_still_goes(account, sms, settings):
    settings.GOVID_SMTP = {}
    change_password(signed_in())
    assert not MailNotice.objects.exists()
    assert len(sms.sent) == 1
