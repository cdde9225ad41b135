"""The e-mails go through the task worker, never inside the request: a mail server that is
down never breaks a sign-in, the worker retries, and SMS codes never wait for an e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.checks import Error
from django.test import Client, override_settings

from govid import clock
from govid.audit.models import Event
from govid.sms.delivery import queue_sms
from govid.sso.notices import mail
from govid.sso.notices.checks import check_notices
from govid.sso.notices.models import MailNotice
from govid.tasks.worker import TaskLoop
from tests.conftest import PASSWORD
from tests.servers import free_port

LOGIN = "an.nguyen@soctrang.gov.vn"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def sign_in(client: Client) -> int:
    return client.post("/", {"username": "an.nguyen", "password": PASSWORD}).status_code


def queue_one() -> MailNotice:
    return mail.queue_mail(
        event="password_changed", login=LOGIN, to=LOGIN, subject="Thử / Test", body="Nội dung"
    )


@pytest.mark.django_db(transaction=True)
def test_the_notice_is_queued_by_the_request_and_sent_by_the_worker(account, smtp):
    assert sign_in(Client()) == 302  # the account's first browser
    with override_settings(TASKS=DATABASE_TASKS):
        assert sign_in(Client()) == 302
        assert smtp.delivered == []  # the request only queued it
        assert MailNotice.objects.get().state == MailNotice.State.QUEUED
        TaskLoop(worker_id="test-notices").run_once()
    assert len(smtp.wait_for(1)) == 1
    assert MailNotice.objects.get().state == MailNotice.State.SENT


@pytest.mark.django_db
def test_a_mail_server_that_is_down_never_breaks_a_sign_in(account, smtp, settings, frozen):
    assert sign_in(Client()) == 302
    settings.GOVID_SMTP = {"host": "127.0.0.1", "port": str(free_port()), "security": "none"}
    assert sign_in(Client()) == 302
    notice = MailNotice.objects.get()
    assert notice.state == MailNotice.State.QUEUED and notice.attempts == 1
    assert "ConnectionRefusedError" in notice.last_error
    assert notice.next_attempt_at == clock.now() + timedelta(seconds=30)
    # The server is back; the worker's periodic job takes the e-mail again once it is due.
    settings.GOVID_SMTP = {"host": "127.0.0.1", "port": str(smtp.port), "security": "none"}
    mail.rescue_stale()
    assert smtp.delivered == []  # not due yet
    clock.advance(timedelta(minutes=3))
    mail.rescue_stale()
    [delivered] = smtp.delivered
    assert delivered.recipients == [LOGIN]
    notice.refresh_from_db()
    assert notice.state == MailNotice.State.SENT and notice.attempts == 2


@pytest.mark.django_db
def test_an_e_mail_is_given_up_after_its_attempts_and_audited(account, settings, frozen):
    settings.GOVID_SMTP = {"host": "127.0.0.1", "port": str(free_port()), "security": "none"}
    settings.GOVID_NOTICES = {"max_attempts": "2"}
    notice = queue_one()
    clock.advance(timedelta(minutes=5))
    mail.rescue_stale()
    notice.refresh_from_db()
    assert notice.state == MailNotice.State.FAILED and notice.attempts == 2
    assert Event.objects.filter(action="notice_not_emailed", subject=LOGIN).exists()


def test_back_off_doubles_up_to_its_ceiling(settings):
    settings.GOVID_NOTICES = {"retry_base": "30", "retry_max": "300"}
    assert [mail.backoff(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 240, 300]


@pytest.mark.django_db(transaction=True)
def test_a_code_queued_after_an_e_mail_goes_out_first(account, smtp, sms):
    seen_codes: list[int] = []
    smtp.keeper.on_message = lambda: seen_codes.append(len(sms.sent))
    with override_settings(TASKS=DATABASE_TASKS):
        queue_one()
        queue_sms("+84393555121", "Ma xac nhan 123456", purpose="code")
        TaskLoop(worker_id="test-notices-priority").run_once()
    smtp.wait_for(1)
    assert seen_codes == [1]  # when the e-mail arrived, the code had already been sent


@pytest.mark.parametrize(
    ("security", "tls", "ssl"),
    [("starttls", True, False), ("tls", False, True), ("none", False, False)],
)
def test_the_smtp_security_setting_reaches_djangos_backend(settings, security, tls, ssl):
    settings.GOVID_SMTP = {
        "host": "mail.soctrang.gov.vn",
        "port": "465",
        "user": "govid",
        "password": "mat-khau-smtp",
        "security": security,
    }
    backend = mail.smtp_connection()
    assert (backend.host, backend.port, backend.username) == ("mail.soctrang.gov.vn", 465, "govid")
    assert (backend.use_tls, backend.use_ssl) == (tls, ssl)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("GOVID_NOTICES", {"new_device": "pigeon"}, "GOVID_NOTICES_NEW_DEVICE: 'pigeon'"),
        ("GOVID_NOTICES", {"new_devise": "email"}, "GOVID_NOTICES_NEW_DEVISE"),
        ("GOVID_SMTP", {"security": "ssl3"}, "GOVID_SMTP_SECURITY='ssl3'"),
        ("GOVID_SMTP", {"host": "mail", "from_address": "govid"}, "GOVID_SMTP_FROM_ADDRESS"),
        ("GOVID_SUPPORT", {"phone": "0" * 80}, "notice SMS is over one SMS"),
    ],
)
def test_a_setting_that_cannot_work_is_refused_at_start(settings, setting, value, message):
    setattr(settings, setting, value)
    errors = [e for e in check_notices() if isinstance(e, Error)]
    assert any(message in e.msg for e in errors), errors


def test_the_default_settings_pass_the_checks():
    assert check_notices() == []


def test_the_defaults_tell_by_e_mail_and_text_only_what_costs_an_sms(settings):
    from govid.sso.notices.conf import notice_settings

    conf = notice_settings()
    assert conf.channels("new_device") == ("email",)
    assert conf.channels("factor_added") == ("email",)
    assert conf.channels("factor_removed") == ("email", "sms")
    assert conf.channels("password_changed") == ("email", "sms")


def test_without_a_mail_server_the_start_says_once_that_e_mails_are_off(settings, caplog):
    settings.GOVID_SMTP = {}
    with caplog.at_level("INFO", logger="govid.notices"):
        mail.say_if_email_off()
    assert [r.getMessage() for r in caplog.records] == [
        "security notices by e-mail are off: GOVID_SMTP_HOST is not set"
    ]
    caplog.clear()
    settings.GOVID_SMTP = {"host": "mail.soctrang.gov.vn"}
    mail.say_if_email_off()
    assert caplog.records == []


@pytest.mark.django_db
def test_a_failing_server_leaves_its_password_out_of_logs_and_records(account, settings, caplog):
    settings.GOVID_SMTP = {
        "host": "127.0.0.1",
        "port": str(free_port()),
        "security": "none",
        "user": "govid",
        "password": "Mat-khau-SMTP-9",
    }
    with caplog.at_level("DEBUG"):
        notice = queue_one()
    notice.refresh_from_db()
    assert notice.attempts == 1 and notice.last_error
    assert "Mat-khau-SMTP-9" not in caplog.text + notice.last_error
