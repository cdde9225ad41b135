"""Vietnamese mobile numbers: one canonical form (E.164) and the seed's masked form."""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType


class InvalidPhone(ValueError):
    """Not a Vietnamese mobile number; ``code`` says why in a stable word."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalize_phone(raw: str) -> str:
    """``0393 555 121``, ``+84393555121``, ``84-393-555-121`` -> ``+84393555121``."""
    text = raw.strip()
    if not text or len(text) > 32:
        raise InvalidPhone("phone_invalid", "not a phone number")
    if text.startswith("84") and not text.startswith("+"):
        text = "+" + text
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
