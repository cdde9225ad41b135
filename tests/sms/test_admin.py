"""The helpdesk's side: the message list (filters, phone search, masked numbers, redacted codes)
and each account's last messages with their state, on the account's admin page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govid import clock
from govid.recovery import flow
from govid.sms.base import SmsRefused
from govid.sms.delivery import queue_sms
from govid.sms.models import Message


@pytest.fixture
def helpdesk(administrator):
    return administrator


@pytest.fixture
def history(account, sms, frozen):
    """A code that went out, a notice to another number, and one the gateway refused."""
    flow.send_code(account.login, ip=None)
    clock.advance(timedelta(minutes=1))
    queue_sms("+84912345678", "Thong bao", purpose="notice", account="binh.tran@soctrang.gov.vn")
    clock.advance(timedelta(minutes=1))
    sms.fail_with = SmsRefused("invalid number")
    queue_sms("+84393555121", "Thong bao 2", purpose="notice", account=account.login)
    sms.fail_with = None


def page(client, query: str = "") -> str:
    response = client.get(f"/quan-tri/sms/message/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_masks_phones_and_never_shows_a_code(helpdesk, history, sms):
    html = page(helpdesk)
    assert "0393XXX121" in html and "0912XXX678" in html
    assert "+84393555121" not in html and "0393555121" not in html
    code = next(m.text for m in sms.sent if "Ma xac nhan" in m.text)
    assert code[code.index(": ") + 2 :][:6] not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?state__exact=failed", 1),
        ("?state__exact=sent", 2),
        ("?purpose__exact=code", 1),
        ("?account=an.nguyen@soctrang.gov.vn", 2),
        ("?q=0393 555 121", 2),  # a phone in any written form finds its messages
        ("?q=%2B84912345678", 1),
        ("?q=binh.tran", 1),
    ],
)
def test_the_list_filters_by_state_purpose_account_and_phone(helpdesk, history, query, expected):
    html = page(helpdesk, query)
    assert html.count('class="field-state"') == expected, query


def test_the_list_filters_by_date(helpdesk, history, frozen):
    day = clock.now().date()
    assert (
        page(
            helpdesk,
            f"?queued_at__day={day.day}&queued_at__month={day.month}&queued_at__year={day.year}",
        ).count('class="field-state"')
        == 3
    )
    assert page(helpdesk, "?queued_at__year=2020").count('class="field-state"') == 0


def test_a_record_shows_the_reason_it_failed(helpdesk, history):
    failed = Message.objects.get(state="failed")
    html = helpdesk.get(f"/quan-tri/sms/message/{failed.pk}/change/").content.decode()
    assert "memory: invalid number" in html and "0393XXX121" in html


def test_the_account_page_lists_its_last_messages_with_their_state(helpdesk, history, account):
    html = helpdesk.get(f"/quan-tri/directory/storedaccount/{account.pk}/change/").content.decode()
    assert "Tin nhắn gần đây" in html
    assert html.count("<tr><td>") == 2  # its own two, not the other account's
    assert "không gửi được" in html and "đã gửi" in html and "memory: invalid number" in html
    assert "?account=an.nguyen%40soctrang.gov.vn" in html


def test_nobody_edits_or_deletes_a_record(helpdesk, history):
    message = Message.objects.first()
    assert helpdesk.get("/quan-tri/sms/message/add/").status_code == 403
    assert helpdesk.post(f"/quan-tri/sms/message/{message.pk}/delete/").status_code == 403
