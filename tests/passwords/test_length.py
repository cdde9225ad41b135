"""Long passwords: 64 characters and more are fine, past 128 refused, nothing truncated."""

from __future__ import annotations

from govid.directory import get_directory
from govid.directory.base import Account
from govid.passwords.change import apply_new_password
from govid.passwords.policy import check_policy

ACCOUNT = Account(key="1", login="an.nguyen@soctrang.gov.vn", name="Nguyễn Văn An")
LONG = "Sông Hậu chảy qua Sóc Trăng, mùa nước nổi năm 2026! " * 2  # 104 characters


def test_sixty_four_and_up_to_128_characters_are_accepted():
    assert check_policy(LONG[:64], ACCOUNT) == []
    assert check_policy((LONG * 2)[:128], ACCOUNT) == []
    assert "Mật khẩu chỉ được có tối đa 128 ký tự." in check_policy((LONG * 2)[:129], ACCOUNT)


def test_a_long_password_is_not_truncated(account):
    directory = get_directory()
    found = directory.find(account.login)
    apply_new_password(found, LONG, actor="test", action="password_changed", ip=None)
    assert directory.verify_password(found, LONG)
    assert not directory.verify_password(found, LONG[:-1] + "?")  # only the last one differs
    assert not directory.verify_password(found, LONG[:72])  # bcrypt's cut, for instance
