"""Two submissions of one code at the same moment: exactly one changes the password."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection

from govid.directory.backends.sql import SqlDirectory
from govid.recovery import flow
from govid.recovery.errors import ChallengeOver


@pytest.mark.django_db(transaction=True)
def test_one_code_submitted_twice_at_once_is_accepted_once(account, sms):
    challenge = flow.send_code(account.login, ip=None)
    code = re.search(r"\d{6}", sms.sent[-1].text).group(0)
    passwords = ["Thu#Nhat2026x", "Thu#Hai2026yy"]
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(password):
        barrier.wait()
        try:
            flow.reset_password(str(challenge.token), code=code, password=password, ip=None)
            outcomes.append(password)
        except ChallengeOver as over:
            outcomes.append(over.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [o for o in outcomes if o in passwords]
    assert len(winners) == 1, outcomes
    assert outcomes.count("challenge_used") == 1, outcomes
    directory = SqlDirectory()
    found = directory.find(account.login)
    assert directory.verify_password(found, winners[0])
    loser = next(p for p in passwords if p != winners[0])
    assert not directory.verify_password(found, loser)
