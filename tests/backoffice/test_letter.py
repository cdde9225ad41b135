"""The letter: a real PDF in the Decree 30 layout whose text keeps every Vietnamese letter."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

from govid.backoffice import flow
from govid.backoffice.letter import LetterUnavailable
from govid.backoffice.letters import request_letter_pdf
from govid.directory.provision import add_account

MM = 72 / 25.4  # points in a millimetre
PAGE_WIDTH = 210 * MM  # A4
LEFT_MARGIN, RIGHT_MARGIN = 30 * MM, 15 * MM  # Decree 30


def pdf_text(pdf: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "make test installs Debian's poppler-utils"
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Pages:" in info.stdout and "A4" in info.stdout
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float


def pdf_words(pdf: bytes, tmp_path: Path) -> list[Word]:
    """Every word of the PDF with its box, in points (poppler's ``pdftotext -bbox-layout``)."""
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True
    )
    words = []
    page = ElementTree.fromstring(out.stdout)  # noqa: S314  (poppler's own output)
    for element in page.iter():
        if element.tag.endswith("}word"):
            box = {k: float(element.get(k, "0")) for k in ("xMin", "yMin", "xMax")}
            words.append(Word(element.text or "", box["xMin"], box["yMin"], box["xMax"]))
    return words


def ink_extent(pdf: bytes, tmp_path: Path) -> tuple[float, float]:
    """Leftmost and rightmost ink on the first page (text and the table's lines), in points:
    the page rendered by poppler's ``pdftoppm`` at 4 pixels a point."""
    path = tmp_path / "ink.pdf"
    path.write_bytes(pdf)
    scale = 4
    image = subprocess.run(
        ["pdftoppm", "-r", str(72 * scale), "-gray", "-singlefile", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    magic, width, height, _maxval, pixels = image.split(maxsplit=4)
    assert magic == b"P5"
    w, h = int(width), int(height)
    columns = [x for x in range(w) if min(pixels[x : w * h : w]) < 128]
    return columns[0] / scale, (columns[-1] + 1) / scale


def cell_lines(words: list[Word], first: str) -> list[str]:
    """The lines of the table cell whose first line is the word ``first``, top to bottom."""
    start = next(w for w in words if w.text == first)
    below = [w for w in words if abs(w.x_min - start.x_min) < 1 and w.y_min >= start.y_min]
    below.sort(key=lambda w: w.y_min)
    lines = [below[0]]
    for word in below[1:]:
        if word.y_min - lines[-1].y_min > 20:  # past the cell's next line: another row
            break
        lines.append(word)
    return [w.text for w in lines]


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


LONG_LOGIN = "nguyen.thi.thanh.huong.phong.van.hoa@soctrang.gov.vn"
LONG_NAME = "Nguyễn Thị Thanh Hương Tôn Nữ Hoàng Phương Khuê"


@pytest.fixture
def request_with_long_lines(world):
    add_account(LONG_LOGIN, name=LONG_NAME, unit="MYTU-HHN", actor="test")
    officer = world.staff("officer")
    request = flow.file_request(officer, unit_code="MYTU-HHN", ip=None)
    for login, phone in ((LONG_LOGIN, "0166 355 1212"), ("co.so", "0987 111 222")):
        flow.add_line(
            officer,
            request.pk,
            login=login,
            phone=phone,
            reason="Chưa có số điện thoại của cán bộ",
            unlock=True,
            ip=None,
        )
    return request


def test_numbers_names_and_long_addresses_read_whole_in_the_table(
    request_with_long_lines, tmp_path
):
    words = pdf_words(request_letter_pdf(request_with_long_lines), tmp_path)
    texts = [w.text for w in words]
    for number in ("0363551212", "0987111222"):  # each on one line of its cell
        assert number in texts, number
    for part in LONG_NAME.split():  # a name wraps between its words, never inside one
        assert part in texts, part
    # An address wraps only after an "@" or a ".": its cell's lines are whole pieces of it.
    first = next(t for t in texts if LONG_LOGIN.startswith(t) and len(t) > 6)
    lines = cell_lines(words, first)
    joined = ""
    for line in lines:
        if joined == LONG_LOGIN:
            break
        assert joined == "" or joined[-1] in "@.", lines
        joined += line
    assert joined == LONG_LOGIN, lines
    assert "co.so@soctrang.gov.vn" in texts  # a short one stays on one line


def test_the_table_stays_inside_the_page_margins(request_with_long_lines, tmp_path):
    pdf = request_letter_pdf(request_with_long_lines)
    right = PAGE_WIDTH - RIGHT_MARGIN
    outside = [w.text for w in pdf_words(pdf, tmp_path) if w.x_min < LEFT_MARGIN or w.x_max > right]
    assert outside == []
    # The ink, the table's ruled lines included, starts and ends inside the margins.
    left_ink, right_ink = ink_extent(pdf, tmp_path)
    assert left_ink >= LEFT_MARGIN and right_ink <= right, (left_ink, right_ink)


def test_the_number_line_comes_from_the_configuration(request_with_two_lines, tmp_path, settings):
    flat = " ".join(pdf_text(request_letter_pdf(request_with_two_lines), tmp_path).split())
    assert "Số: ........./CV" in flat  # the default
    settings.GOVID_BACKOFFICE = {"letter_number": "Số: ..../VHTT"}
    flat = " ".join(pdf_text(request_letter_pdf(request_with_two_lines), tmp_path).split())
    assert "Số: ..../VHTT" in flat and "/CV" not in flat
