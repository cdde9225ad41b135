"""From events to notices: which happenings are told, to whom, by which channels.

Factor and password changes are read off the audit log as they are written
(``event_recorded``, inside the change's transaction): whatever path made the change (the
account page, recovery, the helpdesk), the person hears of it, and a change rolled back sends
nothing. A sign-in from a new browser is told from the login views (``signed_in``), which
alone hold the browser's cookie.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from govid import clock
from govid.audit.api import action_of, event_recorded, record
from govid.directory.api import DirectoryUnavailable, get_directory
from govid.sms.api import MessageTooLong, queue_sms
from govid.sso.notices.browsers import note_browser, set_browser_cookie
from govid.sso.notices.conf import notice_settings
from govid.sso.notices.mail import email_enabled, queue_mail
from govid.sso.notices.texts import Happening, body_of, sms_of, subject_of
from govid.web.api import client_ip

log = logging.getLogger("govid.notices")

# The audit actions that are notices, and the notice each one is.
ACTIONS = {
    "factor_added": "factor_added",
    "factor_removed": "factor_removed",
    "password_changed": "password_changed",
    "password_reset": "password_changed",
}
# The request being answered (set by NoticeRequestMiddleware): the browser and address a
# notice names, and the site's address for its links.
current_request: ContextVar[HttpRequest | None] = ContextVar("govid_notice_request", default=None)


class NoticeRequestMiddleware:
    """Keeps the request at hand for notices written deep inside a change."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response: HttpResponse = self.get_response(request)
        finally:
            current_request.reset(token)
        return response


def signed_in(request: HttpRequest, response: HttpResponse, login: str) -> None:
    """After a sign-in completed (password, or the second step): the device cookie, and the
    new-device notice when this browser is new to the account."""
    new, browser = note_browser(request, login)
    if new:
        with transaction.atomic():  # the e-mail's row and its task commit together
            notify("new_device", login, ip=client_ip(request) or "", request=request)
    set_browser_cookie(request, response, browser)


@receiver(event_recorded, dispatch_uid="govid.sso.notices")
def _on_event(sender: Any, event: Any, **kwargs: Any) -> None:
    notice = ACTIONS.get(action_of(event))
    if notice is None or not event.subject:
        return
    data = event.data or {}
    notify(
        notice,
        event.subject,
        ip=str(event.ip or ""),
        actor=event.actor,
        factor=str(data.get("kind", "")),
        request=current_request.get(),
    )


def notify(
    event: str,
    login: str,
    *,
    ip: str = "",
    actor: str = "",
    factor: str = "",
    request: HttpRequest | None = None,
) -> None:
    """Queue ``event``'s notice to ``login`` by its configured channels, in the caller's
    transaction. A notice that cannot be written is logged, never an error for the change."""
    channels = notice_settings().channels(event)
    if not channels:
        return
    try:
        account = get_directory().find(login)
    except DirectoryUnavailable:
        log.warning("no %s notice: the directory did not answer", event)
        return
    if account is None:
        return
    happening = Happening(
        event=event,
        login=account.login,
        name=account.name,
        at=clock.now(),
        ip=ip,
        agent=request.headers.get("User-Agent", "")[:300] if request is not None else "",
        actor=actor,
        factor=factor,
        site=_site(request),
        recovery_path=reverse("recovery:forgot"),
        account_path=reverse("sso:account"),
    )
    if "email" in channels and email_enabled():
        queue_mail(
            event=event,
            login=account.login,
            to=account.login,  # the official mailbox is the login itself
            subject=subject_of(happening),
            body=body_of(happening),
        )
    if "sms" in channels and account.phone:
        try:
            text = sms_of(happening)
        except MessageTooLong:
            log.error("no %s SMS: the text is over one SMS (shorten GOVID_SUPPORT_PHONE)", event)
            return
        queue_sms(account.phone, text, purpose="notice", account=account.login)
        record("notice_texted", actor="system", subject=account.login, notice=event)


def _site(request: HttpRequest | None) -> str:
    """The public address for the notice's links: GOVID_PUBLIC_URL, else this request's."""
    if settings.GOVID_PUBLIC_URL or request is None:
        return str(settings.GOVID_PUBLIC_URL)
    return request.build_absolute_uri("/").rstrip("/")
