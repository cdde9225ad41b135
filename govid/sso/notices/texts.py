"""The notices' words: an e-mail in Vietnamese with English below, and a one-segment SMS.

They name what happened, when (Vietnam's time), from which browser and address, and what to do
if it was not the person; never a code, a password or any secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govid.sms.api import password_changed_text, render
from govid.sso.devices import describe_agent
from govid.web.api import support_settings

SUBJECTS = {
    "new_device": gettext_lazy("Đăng nhập từ thiết bị mới"),
    "factor_added": gettext_lazy("Đã thêm cách xác thực hai bước"),
    "factor_removed": gettext_lazy("Đã gỡ cách xác thực hai bước"),
    "password_changed": gettext_lazy("Mật khẩu đã được thay đổi"),
}
WHAT = {
    "new_device": gettext_lazy(
        "Tài khoản %(login)s vừa được đăng nhập từ một thiết bị (trình duyệt) chưa từng dùng."
    ),
    "factor_added": gettext_lazy(
        "Tài khoản %(login)s vừa được thêm một cách xác thực hai bước: %(factor)s."
    ),
    "factor_removed": gettext_lazy(
        "Một cách xác thực hai bước vừa bị gỡ khỏi tài khoản %(login)s: %(factor)s."
    ),
    "password_changed": gettext_lazy("Mật khẩu của tài khoản %(login)s vừa được thay đổi."),
}
FACTORS = {
    "totp": gettext_lazy("ứng dụng xác thực"),
    "webauthn": gettext_lazy("khóa bảo mật hoặc passkey"),
    "all": gettext_lazy("mọi cách xác thực hai bước"),
}
# Unaccented, one GSM-7 segment with the longest time and the support phone (checked at start).
SMS = {
    "new_device": (
        "Tai khoan thu cong vu cua ban vua dang nhap tu thiet bi moi luc {time}. "
        "Neu khong phai ban, hay doi mat khau va goi {support}."
    ),
    "factor_added": (
        "Tai khoan thu cong vu cua ban vua bat xac thuc hai buoc luc {time}. "
        "Neu khong phai ban, hay goi ngay {support}."
    ),
    "factor_removed": (
        "Xac thuc hai buoc cua tai khoan thu cong vu cua ban vua bi go luc {time}. "
        "Neu khong phai ban, hay goi ngay {support}."
    ),
}


@dataclass(frozen=True)
class Happening:
    """One event a person is told about, as values."""

    event: str
    login: str
    name: str
    at: datetime
    ip: str = ""
    agent: str = ""  # the browser's User-Agent, when the event came from a request
    actor: str = ""  # who did it, when not the person (the helpdesk)
    factor: str = ""  # totp, webauthn or all
    site: str = ""  # https://login.example.gov.vn, to link the recovery and account pages
    recovery_path: str = "/quen-mat-khau/"
    account_path: str = "/tai-khoan/"


def subject_of(happening: Happening) -> str:
    with translation.override("vi"):
        vietnamese = str(SUBJECTS[happening.event])
    with translation.override("en"):
        english = str(SUBJECTS[happening.event])
    return f"{vietnamese} / {english}"


def body_of(happening: Happening) -> str:
    """The e-mail's text: Vietnamese first, then the same in English."""
    with translation.override("vi"):
        vietnamese = _paragraphs(happening)
    with translation.override("en"):
        english = _paragraphs(happening)
    return f"{vietnamese}\n\n---------- English ----------\n\n{english}\n"


def _paragraphs(h: Happening) -> str:
    local = timezone.localtime(h.at)
    facts = [_("Thời gian: %(time)s (giờ Việt Nam)") % {"time": f"{local:%H:%M, %d/%m/%Y}"}]
    if h.agent:
        facts.append(_("Thiết bị: %(device)s") % {"device": describe_agent(h.agent)})
    if h.ip:
        facts.append(_("Địa chỉ mạng: %(ip)s") % {"ip": h.ip})
    if h.actor and h.actor != h.login:
        facts.append(_("Người thực hiện: %(actor)s") % {"actor": h.actor})
    support = support_settings()
    what = WHAT[h.event] % {"login": h.login, "factor": FACTORS.get(h.factor, h.factor)}
    advice = _(
        "Nếu không phải bạn, hãy đặt lại mật khẩu ngay tại %(recovery)s và báo cho "
        "%(support)s, điện thoại %(phone)s."
    ) % {"recovery": h.site + h.recovery_path, "support": support.name, "phone": support.phone}
    return "\n\n".join(
        [
            _("Kính gửi %(name)s,") % {"name": h.name or h.login},
            what,
            "\n".join(facts),
            _("Nếu đúng là bạn, bạn không cần làm gì thêm."),
            advice,
            _("Các phiên đăng nhập của bạn, mỗi phiên có nút “Đăng xuất”: %(account)s")
            % {"account": h.site + h.account_path},
            _(
                "Thư này được gửi tự động, vui lòng không trả lời. Thư thông báo không bao giờ "
                "chứa mã xác nhận hay mật khẩu."
            ),
        ]
    )


def sms_of(happening: Happening) -> str:
    """The SMS (raises MessageTooLong when the deployment's support phone makes it too long)."""
    support = support_settings().phone
    if happening.event == "password_changed":  # the deployment's own template (GOVID_SMS_*)
        return password_changed_text(happening.at, support=support)
    local = timezone.localtime(happening.at)
    return render(SMS[happening.event], time=f"{local:%H:%M %d/%m/%Y}", support=support)
