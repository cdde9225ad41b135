from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govid.diacritics import unaccent
from govid.sms import messages
from govid.sms.text import fits_one_segment, gsm7_length


def test_unaccent_removes_every_vietnamese_diacritic():
    assert unaccent("Mã xác nhận đã được gửi tới Đăng, Ưng, Ơn, Ỹ") == (
        "Ma xac nhan da duoc gui toi Dang, Ung, On, Y"
    )


def test_gsm7_counts_extension_characters_twice():
    assert gsm7_length("abc") == 3
    assert gsm7_length("[]") == 4
    assert gsm7_length("ă") is None


def test_one_segment_is_160_septets():
    assert fits_one_segment("a" * 160)
    assert not fits_one_segment("a" * 161)
    assert not fits_one_segment("Mã")


@pytest.mark.parametrize("minutes", [1, 5, 30])
def test_every_code_text_fits_one_segment(minutes):
    text = messages.code_text("123456", minutes=minutes)
    assert fits_one_segment(text) and "123456" in text


def test_the_password_changed_notice_fits_one_segment():
    text = messages.password_changed_text(
        datetime(2026, 11, 24, 1, 5, tzinfo=UTC), support="0299 3 888 999"
    )
    assert fits_one_segment(text)
    assert "08:05 24/11/2026" in text


def test_a_template_too_long_is_refused():
    with pytest.raises(messages.MessageTooLong):
        messages.render("{x}", x="a" * 161)


def test_a_deployments_template_is_rendered_unaccented(settings):
    settings.GOVID_SMS = {
        "code_template": "Mã khôi phục của Sở TTTT: {code}, hiệu lực {minutes} phút"
    }
    assert messages.code_text("123456", minutes=5) == (
        "Ma khoi phuc cua So TTTT: 123456, hieu luc 5 phut"
    )


@pytest.mark.parametrize("minutes", [1, 5, 30])
def test_the_record_keeps_the_code_text_with_the_code_redacted(minutes):
    text = messages.redacted_code_text(minutes=minutes)
    assert "******" in text and not any(c.isdigit() for c in text.replace(str(minutes), ""))
    assert fits_one_segment(text)
