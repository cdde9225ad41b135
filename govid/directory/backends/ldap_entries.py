"""Reading an LDAP entry as an Account: logins, name, phone, unit. Pure functions, no network."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from govid.phones import InvalidPhone, normalize_phone

Attrs = Mapping[str, Sequence[bytes]]


def fold(raw: Mapping[str, Sequence[bytes]]) -> dict[str, list[bytes]]:
    """Attribute names folded to lower case: servers answer in their own spelling."""
    return {name.lower(): list(values) for name, values in raw.items()}


def texts(attrs: Attrs, name: str) -> list[str]:
    """The values of ``name`` as text (LDAP strings are UTF-8)."""
    if not name:
        return []
    return [value.decode("utf-8", "replace").strip() for value in attrs.get(name.lower(), ())]


def entry_logins(
    attrs: Attrs, *, login_attribute: str, uid_attribute: str, domain: str
) -> list[str]:
    """Every address the entry answers to, its primary (first mail value) first."""
    logins = [value.lower() for value in texts(attrs, login_attribute) if "@" in value]
    names = [value.lower() for value in texts(attrs, uid_attribute) if value and "@" not in value]
    logins += [f"{name}@{domain}" for name in names]
    return list(dict.fromkeys(logins))


def first_name(attrs: Attrs, names: Sequence[str], fallback: str) -> str:
    """The first non-empty value among ``names`` (``displayName`` falling back to ``cn``)."""
    for name in names:
        for value in texts(attrs, name):
            if value:
                return value
    return fallback


def first_mobile(attrs: Attrs, name: str) -> str | None:
    """The first value that is a Vietnamese mobile number, as E.164; landlines are skipped."""
    for value in texts(attrs, name):
        try:
            return normalize_phone(value)
        except InvalidPhone:
            continue
    return None


def organizational_unit(dn: str) -> str:
    """The first ``ou=`` of a DN (the unit the entry is filed under), or empty."""
    import ldap.dn  # python-ldap: only installed with the ``ldap`` extra

    for rdn in ldap.dn.str2dn(dn):
        for attribute, value, _flags in rdn:
            if attribute.lower() == "ou":
                return str(value)
    return ""


def entry_unit(attrs: Attrs, dn: str, unit_attribute: str) -> str:
    """The unit from the configured attribute, else from the entry's OU."""
    if unit_attribute:
        values = [value for value in texts(attrs, unit_attribute) if value]
        return values[0] if values else ""
    return organizational_unit(dn)
