"""Password-expiry reminders: an SMS some days before the directory's own expiry date.

The directory says when a password expires (``Directory.password_expires``: Zimbra's, LDAP's,
AD's maximum age; never for govid's SQL accounts); this job walks every unit's accounts through
the directory API and queues one SMS per account and expiry date, remembered in the database
so that neither a second run nor a second instance sends it again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from govid import clock
from govid.directory.api import Account, DirectoryUnavailable, get_directory, unit_tree
from govid.passwords.conf import password_settings
from govid.passwords.models import ExpiryNotice
from govid.sms.api import queue_sms, render
from govid.web.api import support_settings

log = logging.getLogger("govid.passwords")

EXPIRY_TEMPLATE = (
    "Mat khau thu cong vu cua ban se het han ngay {date}. Vui long doi mat khau truoc ngay nay. "
    "Can ho tro, goi {support}."
)
# How often the directory is walked, whatever the worker's sweep: reminders are counted in days,
# and each account costs the directory a read or two.
EVERY = timedelta(hours=6)
DUE_KEY = "passwords:expiry-reminders"


def expiry_text(expires: datetime) -> str:
    local = timezone.localtime(expires)
    return render(EXPIRY_TEMPLATE, date=f"{local:%d/%m/%Y}", support=support_settings().phone)


def remind_if_due() -> None:
    """The worker's periodic job: walk the directory at most once in EVERY, across instances
    (the cache is shared between them in production)."""
    if password_settings().expiry_notice_days <= 0:
        return
    if cache.add(DUE_KEY, "1", timeout=int(EVERY.total_seconds())):
        send_expiry_reminders()


def send_expiry_reminders() -> int:
    """Queue the reminders that are due now; how many were queued."""
    days = password_settings().expiry_notice_days
    if days <= 0:
        return 0
    now = clock.now()
    directory = get_directory()
    try:
        accounts = directory.accounts_in([unit.code for unit in unit_tree().all()])
    except (DirectoryUnavailable, NotImplementedError) as error:
        log.warning("password expiry reminders skipped: %s", error)
        return 0
    sent = 0
    for account in accounts:
        if account.phone is None or account.locked:
            continue
        try:
            expires = directory.password_expires(account)
        except DirectoryUnavailable:
            log.warning(
                "password expiry of %s unknown: the directory did not answer", account.login
            )
            continue
        if expires is not None and now < expires <= now + timedelta(days=days):
            sent += _remind(account, account.phone, expires, now)
    return sent


def _remind(account: Account, phone: str, expires: datetime, now: datetime) -> int:
    """One reminder for this expiry date, unless one was already sent."""
    try:
        with transaction.atomic():
            ExpiryNotice.objects.create(login=account.login, expires_at=expires, sent_at=now)
            queue_sms(phone, expiry_text(expires), purpose="notice", account=account.login)
    except IntegrityError:
        return 0  # already reminded of this expiry date
    return 1
