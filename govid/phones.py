"""Vietnamese mobile numbers: one canonical form (E.164) and the seed's masked form."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType

# The 2018 renumbering (Ministry of Information and Communications, Circular 22/2014 and its
# 2018 plan): every 11-digit mobile number "01XY ..." became a 10-digit "0AB ...".
LEGACY_MOBILE_PREFIXES = {
    # Viettel
    "162": "32", "163": "33", "164": "34", "165": "35",
    "166": "36", "167": "37", "168": "38", "169": "39",
    # MobiFone
    "120": "70", "121": "79", "122": "77", "126": "76", "128": "78",
    # VinaPhone
    "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
    # Vietnamobile, Gmobile
    "186": "56", "188": "58", "199": "59",
}  # fmt: skip
_SEPARATORS = re.compile(r"[\s.\-()/]")


class InvalidPhone(ValueError):
    """Not a Vietnamese mobile number; ``code`` says why in a stable word."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def convert_legacy_mobile(national: str) -> str:
    """National significant digits: ``1663551212`` (before 2018) -> ``363551212``."""
    if len(national) == 10 and national[:3] in LEGACY_MOBILE_PREFIXES:
        return LEGACY_MOBILE_PREFIXES[national[:3]] + national[3:]
    return national


def _vietnamese_digits(text: str) -> str | None:
    """The national significant digits if ``text`` is written as a Vietnamese number, else None."""
    compact = _SEPARATORS.sub("", text)
    for prefix in ("+84", "0084", "84", "0"):
        rest = compact.removeprefix(prefix)
        # "84" alone is also how a national number lost its zero in a spreadsheet ("845...")
        # only when what remains is too short to be a whole number.
        if rest != compact and rest.isdigit() and (prefix != "84" or len(rest) >= 9):
            return rest
    if compact.isdigit() and len(compact) in (9, 10):
        return compact  # a spreadsheet ate the leading zero
    return None


def normalize_phone(raw: str) -> str:
    """``0393 555 121``, ``+84393555121``, ``84-393-555-121``, ``0166 355 1212`` (converted
    to ``036 355 1212``) -> ``+84393555121``."""
    text = raw.strip()
    if not text or len(text) > 32:
        raise InvalidPhone("phone_invalid", "not a phone number")
    national = _vietnamese_digits(text)
    if national is not None:
        text = "+84" + convert_legacy_mobile(national)
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise InvalidPhone("phone_invalid", "not a phone number") from None
    if number.country_code != 84:
        raise InvalidPhone("phone_foreign", "not a Vietnamese number")
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("phone_invalid", "not a valid Vietnamese number")
    if phonenumbers.number_type(number) != PhoneNumberType.MOBILE:
        raise InvalidPhone("phone_not_mobile", "not a mobile number (SMS cannot reach it)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    """``+84393555121`` -> ``0393555121``."""
    return "0" + e164.removeprefix("+84")


def mask_phone(e164: str) -> str:
    """The seed's mask: first four digits, ``XXX``, last three (``0393XXX121``)."""
    digits = national_digits(e164)
    return f"{digits[:4]}XXX{digits[-3:]}"
