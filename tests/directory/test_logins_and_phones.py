from __future__ import annotations

import pytest

from govid.directory import canonical_login
from govid.phones import InvalidPhone, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("typed", "login"),
    [
        ("vnpt_testvpdt3", "vnpt_testvpdt3@soctrang.gov.vn"),
        ("  An.Nguyen@SocTrang.gov.vn  ", "an.nguyen@soctrang.gov.vn"),
        ("AN.NGUYEN", "an.nguyen@soctrang.gov.vn"),
        ("", None),
        ("a b@soctrang.gov.vn", None),
        ("x" * 10_000, None),
        ("an\x00nguyen", None),
        ("@soctrang.gov.vn", None),
        ("an@soctrang.gov.vn.", None),  # a trailing dot: another spelling of the same mailbox
        ("an.nguyen.", None),
        ("\u212aiem.tra@soctrang.gov.vn", None),  # the Kelvin sign, which lower() makes a "k"
        ("an@soctrang..gov.vn", None),
        ("an@soctrang.-gov.vn", None),
        ("an@soctrang-.gov.vn", None),
        ("an..nguyen@soctrang.gov.vn", None),
        ("an.@soctrang.gov.vn", None),
        ("an@gmail.com", None),
        ("an@sub.soctrang.gov.vn", None),
        ("an@soctrang.gov.vn.evil.example", None),
        ("an@soctrang.gov", None),
    ],
)
def test_canonical_login(typed, login):
    assert canonical_login(typed) == login


def test_bare_names_take_the_configured_domain(settings):
    settings.GOVID_DIRECTORY = {"mail_domain": "cantho.gov.vn"}
    assert canonical_login("an.nguyen") == "an.nguyen@cantho.gov.vn"
    assert canonical_login("an.nguyen@soctrang.gov.vn") is None


def test_addresses_of_every_configured_domain_are_logins_and_no_others(settings):
    settings.GOVID_DIRECTORY = {"mail_domains": ("soctrang.gov.vn", "cantho.gov.vn")}
    assert canonical_login("An@CanTho.gov.vn") == "an@cantho.gov.vn"
    assert canonical_login("an") == "an@soctrang.gov.vn"  # GOVID_MAIL_DOMAIN still completes
    assert canonical_login("an@vinhlong.gov.vn") is None
    assert canonical_login("an@cantho.gov.vn.") is None


@pytest.mark.parametrize(
    "typed", ["0393555121", "0393 555 121", "+84 393 555 121", "84393555121", "0393.555.121"]
)
def test_normalize_phone_accepts_the_usual_forms(typed):
    assert normalize_phone(typed) == "+84393555121"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("02993822222", "phone_not_mobile"),  # a Sóc Trăng landline
        ("+33612345678", "phone_foreign"),
        ("123", "phone_invalid"),
        ("not a phone", "phone_invalid"),
    ],
)
def test_normalize_phone_refuses_what_sms_cannot_reach(typed, code):
    with pytest.raises(InvalidPhone) as refused:
        normalize_phone(typed)
    assert refused.value.code == code


def test_mask_phone_shows_the_first_four_and_last_three_digits_like_the_seed():
    assert mask_phone("+84393555121") == "0393XXX121"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0166 355 1212", "+84363551212"),  # Viettel 0166 -> 036
        ("+84 166 355 1212", "+84363551212"),
        ("841663551212", "+84363551212"),
        ("0169-888-7777", "+84398887777"),  # Viettel 0169 -> 039
        ("0120 123 4567", "+84701234567"),  # MobiFone 0120 -> 070
        ("0123.456.7890", "+84834567890"),  # VinaPhone 0123 -> 083
        ("0188 765 4321", "+84587654321"),  # Vietnamobile 0188 -> 058
        ("0199 765 4321", "+84597654321"),  # Gmobile 0199 -> 059
    ],
)
def test_normalize_phone_converts_the_2018_eleven_digit_mobiles(typed, e164):
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize(
    ("typed", "e164"), [("393555121", "+84393555121"), ("845123456", "+84845123456")]
)
def test_normalize_phone_restores_a_zero_a_spreadsheet_ate(typed, e164):
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize("typed", ["(0299) 3822 222", "0283 829 6789", "024 3825 1234"])
def test_normalize_phone_refuses_landlines_as_not_mobile(typed):
    with pytest.raises(InvalidPhone) as refused:
        normalize_phone(typed)
    assert refused.value.code == "phone_not_mobile"
