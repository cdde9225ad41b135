"""The letter: a real PDF in the Decree 30 layout whose text keeps every Vietnamese letter."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from govid.backoffice import flow
from govid.backoffice.letter import LetterUnavailable
from govid.backoffice.letters import request_letter_pdf


def pdf_text(pdf: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "make test installs Debian's poppler-utils"
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Pages:" in info.stdout and "A4" in info.stdout
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


@pytest.fixture
def request_with_two_lines(world):
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    flow.add_line(
        officer,
        request.pk,
        login="khong.so",
        phone="0166 355 1212",
        reason="Chưa có số điện thoại",
        unlock=False,
        ip=None,
    )
    flow.add_line(
        officer,
        request.pk,
        login="co.so@soctrang.gov.vn",
        phone="0987 111 222",
        reason="Đổi số mới",
        unlock=True,
        ip=None,
    )
    return request


def test_the_letter_names_the_unit_the_accounts_and_the_numbers(request_with_two_lines, tmp_path):
    text = pdf_text(request_letter_pdf(request_with_two_lines), tmp_path)
    flat = " ".join(text.split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "HUYỆN MỸ TÚ",  # the managing body
        "UBND THỊ TRẤN HUỲNH HỮU NGHĨA",  # the issuing unit
        "Số:",
        "V/v đề nghị cập nhật số điện thoại",
        "Kính gửi:",
        "Phòng Văn hóa và Thông tin Huyện Mỹ Tú",
        "Trung tâm Công nghệ số",
        "Đặng Thị Hồng Nhung",
        "Võ Minh Triết",
        "đề nghị mở khoá tài khoản",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "Nơi nhận:",
        "Trân trọng./.",
    ):
        assert expected in flat, expected
    # A table cell may break an address or a number across lines: compare without spaces.
    compact = "".join(text.split())
    for unbroken in (
        "khong.so@soctrang.gov.vn",
        "co.so@soctrang.gov.vn",
        "0363551212",  # the legacy 0166 number, converted
        "0987111222",
    ):
        assert unbroken in compact, unbroken
    assert "Sóc Trăng, ngày" in flat and "tháng" in flat and "năm" in flat


def test_without_the_fonts_the_letter_is_refused_clearly(request_with_two_lines, settings):
    settings.GOVID_BACKOFFICE = {"letter_font_dir": "/nonexistent"}
    with pytest.raises(LetterUnavailable):
        request_letter_pdf(request_with_two_lines)
