"""What only the SQL directory does: Argon2id hashes at OWASP's minimum, timing for unknowns."""

from __future__ import annotations

from govid.directory.backends.sql import SqlDirectory
from govid.directory.models import StoredAccount


def test_passwords_are_stored_as_argon2id_at_owasp_minimum(account):
    encoded = StoredAccount.objects.get(pk=account.pk).password
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert "Cu@Matkhau2025" not in encoded


def test_an_older_hash_is_upgraded_at_the_next_login(account):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    old = PBKDF2PasswordHasher().encode("Cu@Matkhau2025", "saltsaltsalt", iterations=1000)
    StoredAccount.objects.filter(pk=account.pk).update(password=old)
    directory = SqlDirectory()
    found = directory.find(account.login)
    assert directory.verify_password(found, "Cu@Matkhau2025")
    assert StoredAccount.objects.get(pk=account.pk).password.startswith("argon2$argon2id$")


def test_an_account_without_password_cannot_log_in(units):
    from govid.directory.provision import add_account

    add_account("moi@soctrang.gov.vn", name="Mới", unit="MYTU-VHTT", actor="test")
    assert SqlDirectory().authenticate("moi@soctrang.gov.vn", "") is None
