"""Privacy mode (GOVID_RECOVERY_PRIVACY=1): the forgot flow does not tell who has an account.

Unknown, locked and phone-less accounts then follow the same path as recoverable ones up to the
code step: the lookup goes on to the phone page (which shows no number, for anyone), "Lấy mã
xác nhận" makes a stand-in challenge that sends nothing and that no code opens, and the reset
page says the same words whatever happened. The limits count them alike. What still differs is
an SMS that no gateway took, which ends a real challenge.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from govid.audit.log import record
from govid.recovery import codes
from govid.recovery.conf import recovery_settings
from govid.recovery.models import Challenge
from govid.recovery.sms import CodeSms


def privacy_on() -> bool:
    return recovery_settings().privacy


def stand_in_challenge(
    login: str, *, now: datetime, ip: str | None, known_device: bool = False
) -> Challenge:
    """A challenge for an account that cannot be recovered: nothing is sent, nothing opens it."""
    conf = recovery_settings()
    challenge = Challenge.objects.create(
        login=login,
        account_key="",  # the mark of a stand-in (real challenges carry the directory's key)
        phone="",
        seed=codes.new_seed(),
        created_at=now,
        expires_at=now + conf.code_ttl,
        last_sent_at=now,
        known_device=known_device,
    )
    record("recovery_code_withheld", actor="anonymous", subject=login, ip=ip)
    return challenge


def shown_sms(challenge: Challenge, sms: CodeSms) -> CodeSms:
    """What the reset page may tell about the code SMS: nothing, in privacy mode."""
    return CodeSms(state="") if privacy_on() else sms


def sms_line() -> str:
    return _("Nếu tài khoản có số điện thoại đã đăng ký, mã xác nhận đã được gửi tới số đó.")
