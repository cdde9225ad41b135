"""A helpdesk insider who wants into a colleague's mailbox, while the carrier echoes requests.

The insider asks for a reset code for the colleague's account on the public pages, so the
reset page waits in the insider's own browser for a code that went to the colleague's phone.
The carrier is busy and echoes the request in its error answer, the code spelled out in some
encoding; the message waits for its retry, the code still good. The insider reads everything
the helpdesk can see (the message's record, the account's page, `manage.py sms list`, the
logs), decodes it every way a carrier may encode, and types each six-digit number found.
None of them is the code: the colleague's password still works.
"""

from __future__ import annotations

import logging
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from govid.directory.backends.sql import SqlDirectory
from govid.sms.models import Message
from tests.conftest import NEW_PASSWORD, PASSWORD
from tests.sms.test_scrubbing import readings, through_echo

pytestmark = pytest.mark.django_db

VICTIM = "an.nguyen@soctrang.gov.vn"
CODE = re.compile(r"Ma xac nhan\D{0,60}(\d{6})")  # where the insider knows the code stands


def password_works(password: str) -> bool:
    directory = SqlDirectory()
    account = directory.find(VICTIM)
    assert account is not None
    return directory.verify_password(account, password)


@pytest.mark.parametrize("how", ["raw", "json", "percent", "html"])
def test_a_helpdesk_insider_finds_no_code_in_what_a_busy_echoing_carrier_left(
    account, administrator, carrier, settings, caplog, frozen, how
):
    caplog.set_level(logging.DEBUG)
    through_echo(settings, carrier, "form", how, busy=True)
    insider = Client()
    insider.post("/quen-mat-khau/", {"email": "an.nguyen"})
    insider.post("/quen-mat-khau/lay-ma/")
    message = Message.objects.get()
    assert message.pending_retry  # the code is still good, waiting for its retry
    listing = StringIO()
    call_command("sms", "list", "--account", "an.nguyen", stdout=listing)
    seen = [
        administrator.get(f"/quan-tri/sms/message/{message.pk}/change/").content.decode(),
        administrator.get(
            f"/quan-tri/directory/storedaccount/{account.pk}/change/"
        ).content.decode(),
        listing.getvalue(),
        caplog.text,
    ]
    assert CODE.search(carrier.echoes[-1])  # what the carrier sent back held the code
    found = {code for text in seen for reading in readings(text) for code in CODE.findall(reading)}
    for guess in sorted(found)[:4]:  # the reset page takes five tries
        insider.post(
            "/quen-mat-khau/dat-lai/",
            {"code": guess, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert password_works(PASSWORD) and not password_works(NEW_PASSWORD)
