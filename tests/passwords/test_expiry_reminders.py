"""Password-expiry reminders: one SMS some days before the directory's expiry date, once per
expiry date, through the normal SMS delivery (the in-memory gateway), with a frozen clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govid import clock
from govid.directory import get_directory
from govid.directory.backends.memory import MemoryDirectory
from govid.directory.base import Account
from govid.passwords.expiry import remind_if_due, send_expiry_reminders

TEXT = (
    "Mat khau thu cong vu cua ban se het han ngay 30/11/2026. Vui long doi mat khau truoc ngay "
    "nay. Can ho tro, goi 0299 3 888 999."
)


@pytest.fixture
def directory(settings, units) -> MemoryDirectory:
    settings.GOVID_DIRECTORY = {"backend": "memory"}
    found = get_directory()
    assert isinstance(found, MemoryDirectory)
    return found


def add(directory: MemoryDirectory, local: str, **values: object) -> Account:
    account = Account(
        key=local,
        login=f"{local}@soctrang.gov.vn",
        name="Nguyễn Văn An",
        unit_code="MYTU-VHTT",
        phone="+84393555121",
        **values,  # type: ignore[arg-type]
    )
    return directory.add(account, "Cu@Matkhau2025")


def test_a_reminder_goes_out_once_within_the_notice_days(directory, sms, frozen):
    account = add(directory, "an.nguyen")
    directory.expire_password(account, frozen + timedelta(days=6))  # 30/11, 08:00 local
    assert send_expiry_reminders() == 1
    (message,) = sms.sent
    assert message.to == "+84393555121"
    assert message.text == TEXT and len(message.text) <= 160
    clock.advance(timedelta(days=1))
    assert send_expiry_reminders() == 0  # the same expiry date: already reminded
    assert len(sms.sent) == 1


def test_a_new_expiry_date_gets_its_own_reminder(directory, sms, frozen):
    account = add(directory, "an.nguyen")
    directory.expire_password(account, frozen + timedelta(days=6))
    send_expiry_reminders()
    directory.expire_password(account, frozen + timedelta(days=96))  # changed, a new period
    clock.advance(timedelta(days=90))
    assert send_expiry_reminders() == 1
    assert len(sms.sent) == 2


def test_no_reminder_too_early_after_expiry_or_without_expiry(directory, sms, frozen):
    early = add(directory, "an.nguyen")
    directory.expire_password(early, frozen + timedelta(days=8))  # beyond the 7 days
    past = add(directory, "binh.tran")
    directory.expire_password(past, frozen - timedelta(days=1))  # expired: the login page says so
    add(directory, "cuong.le")  # never expires
    assert send_expiry_reminders() == 0
    assert sms.sent == []


def test_locked_and_phoneless_accounts_get_no_reminder(directory, sms, frozen):
    locked = add(directory, "an.nguyen", locked=True)
    phoneless = Account(key="t", login="t@soctrang.gov.vn", name="T", unit_code="MYTU-VHTT")
    directory.add(phoneless, "Cu@Matkhau2025")
    for account in (locked, phoneless):
        directory.expire_password(account, frozen + timedelta(days=2))
    assert send_expiry_reminders() == 0


def test_the_notice_days_are_configurable_and_zero_turns_reminders_off(
    directory, sms, frozen, settings
):
    account = add(directory, "an.nguyen")
    directory.expire_password(account, frozen + timedelta(days=10))
    settings.GOVID_PASSWORDS = {"expiry_notice_days": 14}
    assert send_expiry_reminders() == 1
    settings.GOVID_PASSWORDS = {"expiry_notice_days": 0}
    directory.expire_password(account, frozen + timedelta(days=3))
    assert send_expiry_reminders() == 0


def test_the_worker_walks_the_directory_at_most_every_six_hours(directory, sms, frozen):
    first = add(directory, "an.nguyen")
    directory.expire_password(first, frozen + timedelta(days=3))
    remind_if_due()
    assert len(sms.sent) == 1
    second = add(directory, "binh.tran")
    directory.expire_password(second, frozen + timedelta(days=3))
    remind_if_due()  # within six hours: not walked again
    assert len(sms.sent) == 1


def test_the_sql_directory_sets_no_maximum_age(account):
    from govid.directory.backends.sql import SqlDirectory

    directory = SqlDirectory()
    found = directory.find(account.login)
    assert found is not None and directory.password_expires(found) is None
