"""Second factors in Chromium at 360 px, on one instance: an authenticator app enrolled from
the secret shown, recovery codes used once, and a passkey on Chromium's virtual authenticator
(DevTools). The journeys are in tests/e2e/factors.py; test_several_instances.py runs them
across two instances behind nginx."""

from __future__ import annotations

import pytest

from tests.e2e.factors import authenticator_app_journey, new_account, passkey_journey
from tests.e2e.people import sized_page

# Slow journeys, run once: what they rely on (codes used once, counters, sessions) is the
# database's, and tests/sso/test_factors*.py run on PostgreSQL + Redis too; so do the
# journeys across two instances (test_several_instances.py).
pytestmark = [pytest.mark.e2e, pytest.mark.once]


def test_an_authenticator_app_and_recovery_codes_at_360_px(browser, live):
    login = new_account(live, "e2e.hai.buoc", "Huỳnh Văn Hai")
    page = sized_page(browser, 360, timeout=60_000)  # a cold server on a busy machine
    authenticator_app_journey(page, live, login)
    page.context.close()


def test_a_passkey_is_enrolled_and_signs_in_at_360_px(browser, live):
    login = new_account(live, "e2e.khoa.bao.mat", "Lương Thị Khoá")
    passkey_journey(browser, live, login)
