from __future__ import annotations

import pytest

from govid.directory import canonical_login
from govid.directory.phones import InvalidPhone, mask_phone, normalize_phone


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
    ],
)
def test_canonical_login(typed, login):
    assert canonical_login(typed) == login


def test_bare_names_take_the_configured_domain(settings):
    settings.GOVID_DIRECTORY = {"mail_domain": "cantho.gov.vn"}
    assert canonical_login("an.nguyen") == "an.nguyen@cantho.gov.vn"


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
