"""The directory's name for the phone helpers: they live in the foundation module
``govid.phones``, where the SMS concern reads them too (without importing the directory)."""

from govid.phones import (
    LEGACY_MOBILE_PREFIXES,
    InvalidPhone,
    convert_legacy_mobile,
    mask_phone,
    national_digits,
    normalize_phone,
)

__all__ = [
    "LEGACY_MOBILE_PREFIXES",
    "InvalidPhone",
    "convert_legacy_mobile",
    "mask_phone",
    "national_digits",
    "normalize_phone",
]
