"""Sending the notice e-mails: a row first, then the worker sends it over SMTP, with retries.

The request that causes a notice only writes a ``MailNotice`` row and enqueues its task (in its
own transaction), so a slow or broken mail server never slows or breaks a sign-in. The worker
claims the row with a lease and sends it through Django's SMTP backend; a refusal or a
timeout is retried with exponential back-off, and after ``max_attempts`` the e-mail is given
up (audited). A worker that dies mid-send leaves the lease to expire; ``rescue_stale`` (a
periodic job of every worker) enqueues it again.

E-mails go after SMS codes: their tasks have the lowest priority, so a code waits for no
notice queued before it.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks import task, task_backends

from govid import clock
from govid.audit.api import record
from govid.sso.notices.conf import notice_settings, smtp_settings
from govid.sso.notices.models import MailNotice
from govid.tasks.api import take, unleased

log = logging.getLogger("govid.notices")

State = MailNotice.State
# django-tasks' priorities, higher first: SMS codes 50, SMS notices 0, these e-mails last.
MAIL_PRIORITY = -10
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def email_enabled() -> bool:
    return bool(smtp_settings().host)


def smtp_connection() -> BaseEmailBackend:
    """Django's SMTP backend, set from GOVID_SMTP_*."""
    conf = smtp_settings()
    backend: BaseEmailBackend = get_connection(
        SMTP_BACKEND,
        host=conf.host,
        port=conf.port,
        username=conf.user or None,
        password=conf.password or None,
        use_tls=conf.security == "starttls",
        use_ssl=conf.security == "tls",
        timeout=conf.timeout,
        fail_silently=False,
    )
    return backend


def queue_mail(*, event: str, login: str, to: str, subject: str, body: str) -> MailNotice:
    """Record the e-mail and enqueue its sending; call it in the event's transaction."""
    now = clock.now()
    notice = MailNotice.objects.create(
        event=event,
        login=login,
        to=to,
        subject=subject,
        body=body,
        queued_at=now,
        next_attempt_at=now,
    )
    log.info("notice e-mail %s (%s) queued", notice.pk, event)
    deliver_mail.using(priority=MAIL_PRIORITY).enqueue(notice.pk)
    return notice


@task()
def deliver_mail(notice_id: int) -> str:
    """The background task: one sending attempt of one notice e-mail."""
    return deliver(notice_id)


def deliver(notice_id: int) -> str:
    """Claim the e-mail, hand it to the SMTP server, record the outcome; the new state."""
    conf = notice_settings()
    now = clock.now()
    claimed = take(MailNotice.objects.filter(pk=notice_id), now, conf.lease)
    if not claimed:
        return "skipped"  # already done, not due yet, or another worker holds it
    notice = MailNotice.objects.get(pk=notice_id)
    try:
        _send(notice)
    except (OSError, smtplib.SMTPException) as error:
        # The server's answer names no secret: the notice carries none, and the login is the
        # only credential in the dialogue (the password is never echoed back).
        why = f"{type(error).__name__}: {error}"[:500]
        if notice.attempts >= conf.max_attempts:
            _mark(notice, State.FAILED, why)
            record("notice_not_emailed", actor="system", subject=notice.login, notice=notice.event)
            log.error("notice e-mail %s given up after %d attempts", notice.pk, notice.attempts)
            return State.FAILED
        _retry_later(notice, why)
        return State.QUEUED
    _mark(notice, State.SENT, "")
    record("notice_emailed", actor="system", subject=notice.login, notice=notice.event)
    log.info("notice e-mail %s sent", notice.pk)
    return State.SENT


def _send(notice: MailNotice) -> None:
    message = EmailMessage(
        subject=notice.subject,
        body=notice.body,
        from_email=smtp_settings().sender,
        to=[notice.to],
        # RFC 3834: an automatic message; well-behaved servers send no auto-reply to it.
        headers={"Auto-Submitted": "auto-generated"},
        connection=smtp_connection(),
    )
    message.send()


def _mark(notice: MailNotice, state: str, error: str) -> None:
    MailNotice.objects.filter(pk=notice.pk).update(
        state=state,
        lease_until=None,
        last_error=error,
        sent_at=clock.now() if state == State.SENT else None,
    )


def backoff(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed attempts: base, 2x base, 4x base... at most max."""
    conf = notice_settings()
    return min(conf.retry_max, conf.retry_base * (1 << max(0, attempts - 1)))


def _retry_later(notice: MailNotice, why: str) -> None:
    when = clock.now() + backoff(notice.attempts)
    MailNotice.objects.filter(pk=notice.pk, state=State.QUEUED).update(
        next_attempt_at=when, lease_until=None, last_error=why
    )
    log.warning("notice e-mail %s: retry %d at %s: %s", notice.pk, notice.attempts + 1, when, why)
    if task_backends[deliver_mail.backend].supports_defer:
        deliver_mail.using(run_after=when, priority=MAIL_PRIORITY).enqueue(notice.pk)


def deliver_due(*, grace: timedelta = timedelta(0), limit: int = 200) -> int:
    """Enqueue the queued e-mails due for ``grace`` already and held by no live lease."""
    now = clock.now()
    due = list(
        MailNotice.objects.filter(state=State.QUEUED, next_attempt_at__lte=now - grace)
        .filter(unleased(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        deliver_mail.using(priority=MAIL_PRIORITY).enqueue(pk)
    return len(due)


def rescue_stale() -> None:
    """The periodic job: e-mails a dead worker left behind (or a queue that cannot defer
    retries) go back to the queue."""
    count = deliver_due(grace=notice_settings().lease)
    if count:
        log.warning("requeued %d notice e-mail(s)", count)


def say_if_email_off() -> None:
    """At a server's start: one line in the log when e-mail notices are off."""
    if not email_enabled():
        log.info("security notices by e-mail are off: GOVID_SMTP_HOST is not set")
