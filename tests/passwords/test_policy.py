from __future__ import annotations

import pytest

from govid.directory.base import Account
from govid.passwords.policy import check_policy

ACCOUNT = Account(key="1", login="an.nguyen@soctrang.gov.vn", name="Nguyễn Văn An")


@pytest.mark.parametrize("password", ["Moi#Matkhau2026", "Sóc@Trăng2026", "Xy9!xy9!", "K7m-Qz4-Vw"])
def test_good_passwords_pass(password):
    assert check_policy(password, ACCOUNT) == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "Mật khẩu phải có ít nhất 8 ký tự."),
        ("abcdefg1!", "Mật khẩu còn thiếu: chữ hoa."),
        ("ABCDEFG1!", "Mật khẩu còn thiếu: chữ thường."),
        ("Abcdefgh!", "Mật khẩu còn thiếu: chữ số."),
        ("Abcdefgh1", "Mật khẩu còn thiếu: ký tự đặc biệt."),
        ("abcdefgh", "Mật khẩu còn thiếu: chữ hoa, chữ số, ký tự đặc biệt."),
        ("X" + "a1!" * 43, "Mật khẩu chỉ được có tối đa 128 ký tự."),
        ("Nguyen@2026", "Mật khẩu không được chứa tên tài khoản."),
        ("An.Nguyen!1", "Mật khẩu không được chứa tên tài khoản."),
        ("Password1!", "Mật khẩu này quá phổ biến, vui lòng chọn mật khẩu khác."),
        ("A1b2-C3d4", "Mật khẩu này quá phổ biến, vui lòng chọn mật khẩu khác."),  # a1b2c3d4
        ("P@ssw0rd", "Mật khẩu này quá phổ biến, vui lòng chọn mật khẩu khác."),
    ],
)
def test_each_rule_says_what_is_wrong(password, message):
    assert message in check_policy(password, ACCOUNT)


def test_messages_follow_the_language():
    from django.utils import translation

    with translation.override("en"):
        assert check_policy("xkcdqwvb", ACCOUNT) == [
            "The password still needs an upper-case letter, a digit, a special character."
        ]


def test_a_deployment_can_ask_for_twelve_characters(settings):
    settings.GOVID_PASSWORDS = {"min_length": 12}
    assert "Mật khẩu phải có ít nhất 12 ký tự." in check_policy("Xy9!xy9!abc", ACCOUNT)
    assert check_policy("Xy9!xy9!abcd", ACCOUNT) == []


def test_a_deployment_can_drop_the_character_classes(settings):
    """ASVS 2.1.9: no composition rules (the seed's letter has them, so they are on by default)."""
    settings.GOVID_PASSWORDS = {"character_classes": False, "min_length": 12}
    assert check_policy("mưa rơi trên sông hậu", ACCOUNT) == []
    assert check_policy("correct horse battery staple", ACCOUNT) == []


def test_any_printable_unicode_character_is_allowed(settings):
    """ASVS 2.1.4: spaces, Vietnamese letters and emoji are all fine."""
    assert check_policy("Trời xanh 🌤️ 2026!", ACCOUNT) == []
