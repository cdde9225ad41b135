"""The audit log in people's words: each event as one sentence, and the kinds of events.

The audit concern keeps stable codes (``login_failed``, ``reason=account_held``); the back
office, whose auditors read them, owns the words. Every action that ``record`` is called with
anywhere in govid has its sentence here (``tests/backoffice/test_audit_words.py`` scans the
source); an action without one still gets a plain sentence, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govid.backoffice.models import Role
from govid.directory.api import Account, UnitTree, get_directory

# Who did it, when it was not a person's login.
ACTORS: dict[str, Promise] = {
    "anonymous": _("Khách (chưa đăng nhập)"),
    "system": _("Hệ thống"),
    "cli": _("Dòng lệnh quản trị"),
    "demo": _("Dữ liệu mẫu"),
}

# One sentence per action (a variant after "/" where the event's data changes the sentence).
SENTENCES: dict[str, Promise] = {
    # logins
    "login": _("%(subject)s đăng nhập"),
    "login_failed": _("%(subject)s đăng nhập sai mật khẩu"),
    "login_refused": _("%(subject)s không được đăng nhập: %(reason)s"),
    "login_held": _(
        "%(actor)s tạm khóa đăng nhập của %(subject)s trong %(minutes)s phút "
        "(lần %(strikes)s) vì sai mật khẩu nhiều lần"
    ),
    "login_held/ip": _(
        "%(actor)s tạm chặn đăng nhập từ địa chỉ %(subject)s trong %(minutes)s phút "
        "(lần %(strikes)s) vì sai mật khẩu nhiều lần"
    ),
    "login_hold_released": _("%(actor)s gỡ tạm khóa đăng nhập của %(subject)s"),
    "logout": _("%(subject)s đăng xuất"),
    # second factors
    "login_password_ok": _("%(subject)s nhập đúng mật khẩu, chờ bước xác thực thứ hai"),
    "factor_added": _("%(subject)s bật xác thực hai bước"),
    "factor_removed": _("%(actor)s gỡ xác thực hai bước của %(subject)s"),
    "factor_failed": _("%(subject)s nhập sai mã xác thực hai bước"),
    "factor_checked": _("%(subject)s xác nhận lại bằng mã xác thực hai bước"),
    "factor_recovery_code_used": _("%(subject)s dùng một mã khôi phục của xác thực hai bước"),
    "factor_recovery_codes_made": _("%(subject)s tạo bộ mã khôi phục mới cho xác thực hai bước"),
    # security notices
    "notice_emailed": _("Gửi thư báo %(notice)s tới hộp thư của %(subject)s"),
    "notice_texted": _("Gửi tin nhắn SMS báo %(notice)s tới số điện thoại của %(subject)s"),
    "notice_not_emailed": _("Không gửi được thư báo %(notice)s tới hộp thư của %(subject)s"),
    # passwords and their recovery
    "password_changed": _("%(subject)s đổi mật khẩu"),
    "password_change_failed": _("%(subject)s nhập sai mật khẩu hiện tại khi đổi mật khẩu"),
    "password_change_refused": _("%(subject)s không được đổi mật khẩu: %(reason)s"),
    "password_reset": _("%(subject)s đặt lại mật khẩu bằng mã SMS"),
    "recovery_code_sent": _("Gửi mã khôi phục mật khẩu cho %(subject)s tới số %(phone)s"),
    "recovery_code_resent": _("%(subject)s xin gửi lại mã khôi phục mật khẩu"),
    "recovery_code_not_sent": _("Không gửi được mã khôi phục mật khẩu cho %(subject)s"),
    "recovery_code_withheld": _(
        "Không gửi mã khôi phục mật khẩu cho %(subject)s (không có số điện thoại để gửi)"
    ),
    "recovery_attempts_exhausted": _("%(subject)s nhập sai mã khôi phục quá số lần cho phép"),
    # phones, accounts, units
    "phone_changed": _("%(actor)s ghi số điện thoại %(phone)s cho %(subject)s (%(source)s)"),
    "phone_changed/replaced": _(
        "%(actor)s thay số điện thoại của %(subject)s bằng số %(phone)s (%(source)s)"
    ),
    "account_added": _("%(actor)s tạo tài khoản %(subject)s thuộc %(unit)s"),
    "account_locked": _("%(actor)s khóa tài khoản %(subject)s"),
    "account_unlocked": _("%(actor)s mở khóa tài khoản %(subject)s"),
    "account_changed": _("%(actor)s sửa thông tin tài khoản %(subject)s trên trang quản trị"),
    "unit_added": _("%(actor)s thêm đơn vị %(subject_unit)s"),
    "unit_changed": _("%(actor)s sửa đơn vị %(subject_unit)s trên trang quản trị"),
    "user_changed": _("%(actor)s sửa quyền của %(subject)s trên trang quản trị"),
    # roles
    "role_granted": _("%(actor)s cấp vai trò “%(role)s” cho %(subject)s tại %(unit)s"),
    "role_revoked": _("%(actor)s thu hồi vai trò “%(role)s” của %(subject)s tại %(unit)s"),
    "role_change_refused": _(
        "%(actor)s không được %(change)s vai trò “%(role)s” của %(subject)s tại %(unit)s: "
        "%(reason)s"
    ),
    # the paper request
    "request_created": _("%(actor)s lập đề nghị số %(request)s cho %(unit)s"),
    "request_line_added": _(
        "%(actor)s thêm %(account)s vào đề nghị số %(request)s, số mới %(phone)s"
    ),
    "request_line_added/unlock": _(
        "%(actor)s thêm %(account)s vào đề nghị số %(request)s, số mới %(phone)s, kèm mở khóa"
    ),
    "request_line_removed": _("%(actor)s bỏ %(account)s khỏi đề nghị số %(request)s"),
    "request_scan_attached": _(
        "%(actor)s đính kèm bản quét văn bản đã ký vào đề nghị số %(request)s"
    ),
    "request_submitted": _("%(actor)s gửi đề nghị số %(request)s của %(unit)s"),
    "request_forwarded": _(
        "%(actor)s chuyển đề nghị số %(request)s của %(unit)s lên Trung tâm Công nghệ số"
    ),
    "request_returned": _("%(actor)s trả lại đề nghị số %(request)s cho %(unit)s"),
    "request_applied": _("%(actor)s cập nhật theo đề nghị số %(request)s của %(unit)s"),
    "request_rejected": _("%(actor)s từ chối đề nghị số %(request)s của %(unit)s"),
    # exports
    "accounts_exported": _(
        "%(actor)s tải danh sách tài khoản của %(subject_unit)s "
        "(%(rows)s dòng, số điện thoại %(phones)s)"
    ),
    # single sign-on and its applications
    "oidc_authorized": _("%(actor)s cho phép ứng dụng %(client)s dùng thông tin tài khoản"),
    "oidc_refused": _("%(actor)s không cho ứng dụng %(client)s dùng thông tin tài khoản"),
    "saml_signed_in": _("%(actor)s đăng nhập vào hệ thống %(client)s (SAML)"),
    "cas_signed_in": _("%(actor)s đăng nhập vào hệ thống %(client)s (CAS)"),
    "cas_proxy_granted": _(
        "%(actor)s cho phép hệ thống %(proxy)s thay mặt mình đăng nhập vào hệ thống khác (CAS)"
    ),
    "cas_proxied": _(
        "Hệ thống %(proxy)s thay mặt %(actor)s đăng nhập vào hệ thống %(target)s (CAS)"
    ),
    "sign_in_ended": _("%(actor)s đăng xuất một phiên đăng nhập của mình"),
    "other_sign_ins_ended": _(
        "%(actor)s đăng xuất khỏi các thiết bị khác (%(count)s phiên đăng nhập)"
    ),
    "oidc_code_replayed": _("%(actor)s chặn một mã cấp quyền bị dùng lại của ứng dụng %(client)s"),
    "tokens_revoked": _("%(actor)s thu hồi %(count)s mã truy cập của %(subject)s"),
    "helpdesk_access_ended": _(
        "%(actor)s kết thúc mọi phiên đăng nhập của %(subject)s (hỗ trợ người dùng)"
    ),
    "helpdesk_account_viewed": _(
        "%(actor)s xem thông tin tài khoản %(subject)s (hỗ trợ người dùng)"
    ),
    "client_added": _("%(actor)s đăng ký ứng dụng %(client)s"),
    "client_changed": _("%(actor)s sửa ứng dụng %(client)s"),
    "client_removed": _("%(actor)s gỡ ứng dụng %(client)s"),
    "signing_key_rotated": _("%(actor)s thay khóa ký (bỏ %(retired)s khóa cũ)"),
    # the system and the audit itself
    "rate_limited": _("%(actor)s chặn bớt việc %(step)s vì quá nhiều lần (theo %(scope)s)"),
    "audit_chain_keyed": _(
        "%(actor)s niêm phong nhật ký bằng khóa; chuỗi cũ %(legacy_rows)s sự kiện còn nguyên vẹn"
    ),
    "audit_chain_keyed/broken": _(
        "%(actor)s niêm phong nhật ký bằng khóa; chuỗi cũ %(legacy_rows)s sự kiện bị hỏng: "
        "%(legacy_problem)s"
    ),
}

OTHER = _("%(actor)s thực hiện thao tác “%(action)s” với %(subject)s")
OTHER_NO_SUBJECT = _("%(actor)s thực hiện thao tác “%(action)s”")
WITH_PLACE = _("%(sentence)s — %(when)s, từ %(ip)s")
WITHOUT_PLACE = _("%(sentence)s — %(when)s")

# Codes an event's data carries, in words.
REASONS: dict[str, Promise] = {
    "account_held": _("tài khoản đang bị tạm khóa"),
    "ip_held": _("địa chỉ IP đang bị tạm chặn"),
    "password_expired": _("mật khẩu đã hết hạn"),
    "wider_than_own": _("rộng hơn phạm vi quản trị của người thực hiện"),
    "outside_scope": _("ngoài phạm vi quản trị của người thực hiện"),
    "own_admin": _("không ai tự thu hồi quyền quản trị của chính mình"),
    "last_admin": _("đây là quản trị viên toàn tỉnh cuối cùng"),
}
CHANGES: dict[str, Promise] = {"grant": _("cấp"), "revoke": _("thu hồi")}
SOURCES: dict[str, Promise] = {
    "request": _("theo đề nghị"),
    "import": _("nhập danh sách"),
    "cli": _("dòng lệnh quản trị"),
}
PHONES: dict[str, Promise] = {"full": _("đầy đủ"), "masked": _("đã che")}
NOTICES: dict[str, Promise] = {
    "new_device": _("đăng nhập từ thiết bị mới"),
    "factor_added": _("thêm cách xác thực hai bước"),
    "factor_removed": _("gỡ cách xác thực hai bước"),
    "password_changed": _("đổi mật khẩu"),
}
STEPS: dict[str, Promise] = {
    "login": _("đăng nhập"),
    "lookup": _("tìm tài khoản"),
    "code": _("nhập mã"),
    "check": _("kiểm tra mã"),
}
SCOPES: dict[str, Promise] = {
    "ip": _("địa chỉ IP"),
    "net": _("mạng"),
    "account": _("tài khoản"),
    "phone": _("số điện thoại"),
}
EVERY_UNIT = _("toàn tỉnh")
ROLES: dict[str, Any] = dict(Role.choices)

# The kinds of events the auditor filters by, in the order of the list.
KINDS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "logins": (
        _("Đăng nhập, đăng xuất"),
        (
            "login",
            "login_failed",
            "login_refused",
            "login_held",
            "login_hold_released",
            "logout",
            "helpdesk_access_ended",
        ),
    ),
    "recovery": (
        _("Khôi phục mật khẩu"),
        (
            "recovery_code_sent",
            "recovery_code_resent",
            "recovery_code_not_sent",
            "recovery_code_withheld",
            "recovery_attempts_exhausted",
            "password_reset",
        ),
    ),
    "factors": (
        _("Xác thực hai bước"),
        (
            "login_password_ok",
            "factor_added",
            "factor_removed",
            "factor_failed",
            "factor_checked",
            "factor_recovery_code_used",
            "factor_recovery_codes_made",
        ),
    ),
    "notices": (
        _("Thông báo bảo mật"),
        ("notice_emailed", "notice_texted", "notice_not_emailed"),
    ),
    "passwords": (
        _("Đổi mật khẩu"),
        ("password_changed", "password_change_failed", "password_change_refused"),
    ),
    "phones": (_("Số điện thoại"), ("phone_changed",)),
    "accounts": (
        _("Tài khoản và đơn vị"),
        (
            "account_added",
            "account_changed",
            "account_locked",
            "account_unlocked",
            "unit_added",
            "unit_changed",
            "user_changed",
            "helpdesk_account_viewed",
        ),
    ),
    "roles": (_("Phân quyền"), ("role_granted", "role_revoked", "role_change_refused")),
    "requests": (
        _("Đề nghị"),
        (
            "request_created",
            "request_line_added",
            "request_line_removed",
            "request_scan_attached",
            "request_submitted",
            "request_forwarded",
            "request_returned",
            "request_applied",
            "request_rejected",
        ),
    ),
    "exports": (_("Tải dữ liệu"), ("accounts_exported",)),
    "applications": (
        _("Ứng dụng đăng nhập một lần"),
        (
            "oidc_authorized",
            "oidc_refused",
            "saml_signed_in",
            "cas_signed_in",
            "cas_proxy_granted",
            "cas_proxied",
            "sign_in_ended",
            "other_sign_ins_ended",
            "oidc_code_replayed",
            "tokens_revoked",
            "client_added",
            "client_changed",
            "client_removed",
            "signing_key_rotated",
        ),
    ),
    "system": (_("Hệ thống và nhật ký"), ("rate_limited", "audit_chain_keyed")),
}


def kind_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _actions) in KINDS.items()]


def actions_of(kind: str) -> tuple[str, ...]:
    return KINDS[kind][1] if kind in KINDS else ()


class _Words(dict[str, str]):
    """The sentence's blanks; one the sentence asks for and the event lacks stays empty."""

    def __missing__(self, key: str) -> str:
        return "?"


class Narrator:
    """Sentences for a batch of events: the people named are read from the directory once."""

    def __init__(self, events: Sequence[Any], tree: UnitTree) -> None:
        self.tree = tree
        logins: set[str] = set()
        for e in events:
            logins.update((e.actor, e.subject, str((e.data or {}).get("account", ""))))
        logins = {login for login in logins if "@" in login}
        self.people: dict[str, Account] = get_directory().find_many(logins) if logins else {}

    def person(self, login: str) -> str:
        if login in ACTORS:
            return str(ACTORS[login])
        account = self.people.get(login)
        return f"{account.name} ({login})" if account and account.name else login

    def unit(self, codes: str) -> str:
        named = []
        for code in str(codes).split(","):
            unit = self.tree.get(code)
            named.append(
                str(EVERY_UNIT) if code in ("*", "") else f"{unit.name} ({code})" if unit else code
            )
        return ", ".join(named)

    def words(self, e: Any) -> _Words:
        data: dict[str, Any] = dict(e.data or {})
        words = _Words({key: str(value) for key, value in data.items()})
        subject = e.subject or ""
        words.update(
            actor=self.person(e.actor),
            subject=self.person(subject),
            action=e.action,
            client=str(data.get("client") or subject),  # a sign-in's system, else the client
            subject_unit=self.unit(subject),
            request=subject.removeprefix("request/"),
            account=self.person(str(data.get("account", ""))),
        )
        if "unit" in data:
            words["unit"] = self.unit(str(data["unit"]))
        if "role" in data:
            words["role"] = str(ROLES.get(str(data["role"]), data["role"]))
        for key, table in (
            ("reason", REASONS),
            ("change", CHANGES),
            ("source", SOURCES),
            ("phones", PHONES),
            ("step", STEPS),
            ("scope", SCOPES),
            ("notice", NOTICES),
        ):
            if key in data and str(data[key]) in table:
                words[key] = str(table[str(data[key])])
        return words

    def sentence(self, e: Any) -> str:
        """What happened, who did it, to whom, when and from where, in the active language."""
        words = self.words(e)
        try:
            template = SENTENCES.get(f"{e.action}/{_variant(e)}") or SENTENCES.get(e.action)
            if template is None:
                template = OTHER if e.subject else OTHER_NO_SUBJECT
            what = str(template) % words
        except (TypeError, ValueError, KeyError):  # a sentence that does not fit its event
            what = str(OTHER if e.subject else OTHER_NO_SUBJECT) % words
        when = timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M")
        if e.ip:
            return str(WITH_PLACE) % {"sentence": what, "when": when, "ip": e.ip}
        return str(WITHOUT_PLACE) % {"sentence": what, "when": when}

    def sentences(self, events: Iterable[Any]) -> list[str]:
        return [self.sentence(e) for e in events]


def _variant(e: Any) -> str:
    """Which variant of the action's sentence the event's data asks for ("" for none)."""
    data = e.data or {}
    if e.action == "login_held" and data.get("kind") == "ip":
        return "ip"
    if e.action == "phone_changed" and data.get("replaced"):
        return "replaced"
    if e.action == "request_line_added" and data.get("unlock"):
        return "unlock"
    if e.action == "audit_chain_keyed" and not data.get("legacy_intact", True):
        return "broken"
    return ""
