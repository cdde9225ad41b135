"""Security notices' settings: which channels each event uses (GOVID_NOTICES_*), and the SMTP
server that carries the e-mails (GOVID_SMTP_*)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govid.conf import settings_block
from govid.directory.api import directory_settings

# The four events a person is told about, by e-mail, SMS, both or neither.
EVENTS = ("new_device", "factor_added", "factor_removed", "password_changed")
CHANNELS = ("email", "sms")
# Words a deployment may write instead of a list of channels.
BOTH, NONE = "both", "none"
SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class NoticeSettings:
    """GOVID_NOTICES_<EVENT>=email | sms | both | none (or "email,sms"). An SMS costs money:
    by default only the events that call for action at once (a password or a factor gone)."""

    new_device: tuple[str, ...] = ("email",)
    factor_added: tuple[str, ...] = ("email",)
    factor_removed: tuple[str, ...] = ("email", "sms")
    password_changed: tuple[str, ...] = ("email", "sms")
    max_attempts: int = 8  # SMTP attempts before an e-mail is given up (audited)
    retry_base: timedelta = timedelta(seconds=30)  # first back-off; doubles each attempt
    retry_max: timedelta = timedelta(hours=1)  # longest back-off
    lease: timedelta = timedelta(minutes=2)  # a claimed e-mail is retried after this
    known_browsers: int = 20  # browsers remembered per account (the least recently used go)

    def channels(self, event: str) -> tuple[str, ...]:
        """The channels of ``event``, "both" and "none" spelled out."""
        words = tuple(word.strip().lower() for word in getattr(self, event))
        if BOTH in words:
            return CHANNELS
        return tuple(word for word in CHANNELS if word in words)

    def unknown_channels(self, event: str) -> list[str]:
        return [
            word
            for word in (w.strip().lower() for w in getattr(self, event))
            if word not in (*CHANNELS, BOTH, NONE)
        ]


@dataclass(frozen=True)
class SmtpSettings:
    """GOVID_SMTP_*: the mail server notices go through; no host, no e-mail notices."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = ""
    # starttls: plain connection upgraded with STARTTLS (port 587); tls: TLS from the first
    # byte (port 465); none: a relay on the same host or network.
    security: str = "starttls"
    from_address: str = ""  # empty: khong-tra-loi@ the mail domain (GOVID_MAIL_DOMAIN)
    timeout: int = 10  # seconds; a worker waits no longer for a server that does not answer

    @property
    def sender(self) -> str:
        return self.from_address or f"khong-tra-loi@{directory_settings().mail_domain}"


def notice_settings() -> NoticeSettings:
    return settings_block(NoticeSettings, "GOVID_NOTICES")


def smtp_settings() -> SmtpSettings:
    return settings_block(SmtpSettings, "GOVID_SMTP")
