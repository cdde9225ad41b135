"""Creating units and accounts in the SQL directory (the command line, demo data, imports)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from govid.audit.api import record
from govid.directory import canonical_address, canonical_login
from govid.directory.conf import directory_settings
from govid.directory.models import StoredAccount, Unit
from govid.phones import normalize_phone


class ProvisionError(ValueError):
    """A one-line reason why the unit or account cannot be created."""


def has_unit(code: str) -> bool:
    return Unit.objects.filter(code=code).exists()


def add_unit(code: str, *, name: str, parent: str | None = None, actor: str) -> Unit:
    code = code.strip()
    if not code or len(code) > 32 or not name.strip():
        raise ProvisionError("a unit needs a code (at most 32 characters) and a name")
    parent_unit = None
    if parent:
        parent_unit = Unit.objects.filter(code=parent).first()
        if parent_unit is None:
            raise ProvisionError(f"no unit with code {parent!r}")
    kind = Unit.Kind.PROVINCE
    if parent_unit is not None:
        is_top = parent_unit.kind == Unit.Kind.PROVINCE
        kind = Unit.Kind.DISTRICT if is_top else Unit.Kind.UNIT
    with transaction.atomic():
        if Unit.objects.filter(code=code).exists():
            raise ProvisionError(f"unit {code!r} already exists")
        unit = Unit.objects.create(code=code, name=name.strip(), kind=kind, parent=parent_unit)
        record("unit_added", actor=actor, subject=code, name=unit.name, parent=parent or "")
    return unit


def add_account(
    email: str,
    *,
    name: str,
    unit: str,
    phone: str | None = None,
    password: str | None = None,
    locked: bool = False,
    actor: str,
) -> StoredAccount:
    login = canonical_login(email)
    if login is None and canonical_address(email) is not None:
        domains = ", ".join(directory_settings().mail_domains)
        raise ProvisionError(f"{email!r} is not an address of GOVID_MAIL_DOMAINS ({domains})")
    if login is None:
        raise ProvisionError(f"{email!r} is not a mail address")
    if not name.strip():
        raise ProvisionError("an account needs a name")
    unit_row = Unit.objects.filter(code=unit).first()
    if unit_row is None:
        raise ProvisionError(f"no unit with code {unit!r}")
    e164 = normalize_phone(phone) if phone else None
    with transaction.atomic():
        if StoredAccount.objects.filter(login=login).exists():
            raise ProvisionError(f"account {login!r} already exists")
        row = StoredAccount.objects.create(
            login=login,
            name=name.strip(),
            unit=unit_row,
            phone=e164 or "",
            # No password given: an unusable one; the owner recovers it by SMS.
            password=make_password(password),
            locked=locked,
        )
        extra: dict[str, Any] = {"locked": True} if locked else {}
        record(
            "account_added", actor=actor, subject=login, unit=unit, has_phone=bool(e164), **extra
        )
    return row
