"""The last five passwords of an SQL account cannot come back; only their hashes are kept."""

from __future__ import annotations

from govid.directory import get_directory
from govid.passwords.change import apply_new_password, policy_errors
from govid.passwords.models import PreviousPassword
from tests.conftest import PASSWORD

PASSWORDS = [f"Matkhau#{n}Moi{n}x" for n in range(1, 7)]
REUSED = "Mật khẩu mới không được trùng với 5 mật khẩu gần nhất."


def change(account, password):
    errors = policy_errors(account, password)
    if not errors:
        apply_new_password(account, password, actor="test", action="password_changed", ip=None)
    return errors


def test_the_last_five_passwords_are_refused_the_sixth_comes_back(account):
    directory = get_directory()
    found = directory.find(account.login)
    assert change(found, PASSWORDS[0]) == []
    for password in PASSWORDS[1:5]:
        assert change(directory.find(account.login), password) == []
    current = directory.find(account.login)
    # Now: current PASSWORDS[4], before it PASSWORDS[3..0], PASSWORD (the first) dropped out.
    assert change(current, PASSWORDS[4]) == ["Mật khẩu mới phải khác mật khẩu hiện tại."]
    for old in PASSWORDS[:4]:
        assert change(current, old) == [REUSED], old
    assert change(current, PASSWORD) == []


def test_only_hashes_are_kept_and_only_four_of_them(account):
    directory = get_directory()
    for password in PASSWORDS:
        change(directory.find(account.login), password)
    kept = list(PreviousPassword.objects.values_list("encoded", flat=True))
    assert len(kept) == 4
    assert all(value.startswith("argon2$argon2id$") for value in kept)
    assert not any(password in value for value in kept for password in PASSWORDS)


def test_a_deployment_can_turn_the_history_off(account, settings):
    settings.GOVID_PASSWORDS = {"history": 0}
    directory = get_directory()
    change(directory.find(account.login), PASSWORDS[0])
    assert change(directory.find(account.login), PASSWORD) == []
    assert not PreviousPassword.objects.exists()
