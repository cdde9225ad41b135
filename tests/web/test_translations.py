"""The English catalogue is complete, and the seed's strings have the seed's translations."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "govid/locale/en/LC_MESSAGES/django.po"

# ../shared/seed/README.md, "Every string the seed shows".
SEED = {
    "Đăng nhập": "Log in",
    "Tên tài khoản": "Username",
    "Mật khẩu": "Password",
    "Nhớ mật khẩu": "Remember me",
    "Quên mật khẩu?": "Forgot password?",
    "Quên mật khẩu": "Forgot password",
    "Email công vụ": "Official e-mail",
    "Nhập tài khoản mail công vụ": "Enter your official mail account",
    "Tiếp tục": "Continue",
    "Không tìm thấy Email hoặc Email bị khoá, vui lòng liên hệ quản trị!": (
        "E-mail not found or locked, please contact the administrator!"
    ),
    "Vui lòng kiểm tra lại số điện thoại trước khi lấy mã xác nhận.": (
        "Please check the phone number before getting the verification code."
    ),
    "Nếu số điện thoại không phải của bạn, vui lòng liên hệ quản trị để được cập nhật.": (
        "If this phone number is not yours, contact the administrator to update it."
    ),
    "Lấy mã xác nhận": "Get verification code",
    "Mã xác nhận đã được gửi tới số điện thoại '%(phone)s'": (
        "The verification code was sent to phone number '%(phone)s'"
    ),
    "Bạn vui lòng kiểm tra tin nhắn để lấy mã xác nhận!": (
        "Please check your messages for the verification code!"
    ),
    "Mã xác nhận": "Verification code",
    "Gửi lại": "Resend",
    "Mật khẩu phải có ít nhất 8 ký tự (Bao gồm các ký tự hoa, thường, đặc biệt và số)": (
        "The password must have at least 8 characters (including upper case, lower case, "
        "special characters and digits)"
    ),
    "Nhập lại mật khẩu": "Repeat password",
    "Quay lại": "Back",
    "Khôi phục mật khẩu": "Recover password",
    "Thành công!": "Success!",
    "Thay đổi mật khẩu thành công!": "Password changed successfully!",
    "Đóng": "Close",
}


@pytest.fixture(scope="module")
def catalogue():
    with CATALOGUE.open("rb") as f:
        return read_po(f)


def test_every_message_has_an_english_translation_and_none_is_fuzzy(catalogue):
    untranslated = [
        m.id
        for m in catalogue
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize(("vietnamese", "english"), SEED.items())
def test_the_seed_strings_have_the_seed_translations(catalogue, vietnamese, english):
    message = catalogue.get(vietnamese)
    assert message is not None, f"{vietnamese!r} is not a message of govid"
    assert message.string == english
