"""What the recovery flow refuses, each with a stable code, and the one catalogue of its words.

The flow raises these; the views look the code up in ``MESSAGES`` (``words``), so the wording
of every refusal and notice of the forgot pages lives here and nowhere else.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_stubs_ext import StrOrPromise


class RecoveryError(Exception):
    code = "recovery_error"


class NotRecoverable(RecoveryError):
    """Unknown, locked, or no phone on file: the user is told one and the same thing."""

    code = "account_unavailable"


class PhoneCoolingOff(RecoveryError):
    """The number on file replaced another one lately: no code goes to it before ``until``."""

    code = "phone_cooling_off"

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


class DailyLimitReached(RecoveryError):
    code = "daily_limit"


class CodeNotSent(RecoveryError):
    """No gateway took the SMS; it does not count against the user's limits."""

    code = "sms_failed"


class ResendTooEarly(RecoveryError):
    code = "resend_too_early"

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class NoMoreResends(RecoveryError):
    code = "resend_limit"


class ChallengeOver(RecoveryError):
    """The challenge can take no code: ``code`` is code_expired, too_many_attempts,
    challenge_used, challenge_ended, code_not_sent or no_challenge."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class WrongCode(RecoveryError):
    code = "wrong_code"

    def __init__(self, attempts_left: int, password_errors: list[str]) -> None:
        super().__init__(attempts_left)
        self.attempts_left = attempts_left
        self.password_errors = password_errors


class PasswordRejected(RecoveryError):
    code = "password_policy"

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


# --- the catalogue: stable code -> words --------------------------------------------------

_SMS_FAILED = _("Không gửi được tin nhắn chứa mã xác nhận. Vui lòng thử lại sau ít phút.")
_START_AGAIN = _("Vui lòng nhập lại Email công vụ để lấy mã xác nhận.")

MESSAGES: dict[str, StrOrPromise] = {
    # Refusals (RecoveryError.code; ChallengeOver's codes).
    "phone_cooling_off": _(
        "Số điện thoại của tài khoản vừa được thay đổi. Để bảo vệ tài khoản, mã xác nhận chỉ "
        "được gửi tới số mới từ %(time)s ngày %(date)s. Nếu bạn không yêu cầu thay đổi này, "
        "hoặc cần khôi phục mật khẩu gấp, vui lòng liên hệ quản trị."
    ),
    "daily_limit": _(
        "Tài khoản đã nhận đủ số mã xác nhận cho phép trong 24 giờ. "
        "Vui lòng thử lại sau hoặc liên hệ quản trị."
    ),
    "sms_failed": _SMS_FAILED,
    "resend_too_early": ngettext_lazy(
        "Vui lòng đợi %(n)d giây nữa để gửi lại mã xác nhận.",
        "Vui lòng đợi %(n)d giây nữa để gửi lại mã xác nhận.",
        "n",
    ),
    "resend_limit": _(
        "Bạn đã gửi lại mã quá số lần cho phép. Vui lòng dùng mã đã nhận hoặc thử lại sau."
    ),
    "wrong_code": ngettext_lazy(
        "Mã xác nhận không đúng. Bạn còn %(n)d lần thử.",
        "Mã xác nhận không đúng. Bạn còn %(n)d lần thử.",
        "n",
    ),
    "code_expired": _("Mã xác nhận đã hết hạn. Vui lòng lấy mã xác nhận mới."),
    "too_many_attempts": _(
        "Bạn đã nhập sai mã xác nhận quá số lần cho phép. Vui lòng lấy mã xác nhận mới."
    ),
    "challenge_used": _("Mã xác nhận này đã được sử dụng. Vui lòng lấy mã xác nhận mới."),
    "code_not_sent": _SMS_FAILED,
    "challenge_ended": _START_AGAIN,
    "no_challenge": _START_AGAIN,
    # Notices: a resend went out; the reset page's first line, where the code SMS is.
    "code_resent": _("Đã gửi lại mã xác nhận."),
    # "Lấy mã xác nhận" again while the code sent is still valid: no new SMS, and why.
    "code_still_valid": _("Mã xác nhận đã được gửi lúc %(sent)s và còn dùng được đến %(until)s."),
    "sms_sent": _("Mã xác nhận đã được gửi tới số điện thoại '%(phone)s'"),
    "sms_sending": _("Đang gửi mã xác nhận tới số điện thoại '%(phone)s'..."),
    "sms_retrying": _(
        "Chưa gửi được tin nhắn tới số điện thoại '%(phone)s', hệ thống đang thử gửi lại..."
    ),
    # A resend that no gateway took; the code sent before still works.
    "sms_resend_failed": _("Không gửi lại được mã xác nhận. Vui lòng thử lại sau ít phút."),
    # Privacy mode: the same words whatever happened.
    "sms_withheld": _(
        "Nếu tài khoản có số điện thoại đã đăng ký, mã xác nhận đã được gửi tới số đó."
    ),
}


def words(code: str, **values: object) -> str:
    """The words for ``code`` in the active language, filled with ``values`` (``n`` picks the
    plural). An unknown code gets the words that send the user back to the start."""
    text = MESSAGES.get(code, _START_AGAIN)
    return str(text % values) if values else str(text)
