"""Flash messages: the same one is never queued twice while it waits to be shown."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
AGAIN = "Vui lòng nhập lại Email công vụ để lấy mã xác nhận."


def test_a_refused_form_sent_again_and_again_queues_its_message_once(client):
    """A script that never follows the redirect (to the forgot page, where the message is
    shown) must not grow its session by one message per request."""
    for _ in range(30):
        answer = client.post("/quen-mat-khau/dat-lai/", {"code": "123456"})
        assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert page.content.decode().count(AGAIN) == 1
    again = client.get(answer["Location"])  # shown once, then gone
    assert AGAIN not in again.content.decode()
