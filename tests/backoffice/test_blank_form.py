"""The blank request form: a unit with no back-office account prints the letter and fills it
in by hand; the forgot page's refusal (no phone on file) links to it."""

from __future__ import annotations

import re

from tests.backoffice.test_letter import pdf_text

SEED_ERROR = "Không tìm thấy Email hoặc Email bị khoá, vui lòng liên hệ quản trị!"
FORM_LINK = re.compile(r'<a href="([^"]+)"[^>]*>Tải mẫu văn bản đề nghị')


def test_the_no_phone_refusal_links_to_a_blank_form_anyone_can_print(
    client, phoneless_account, tmp_path
):
    page = client.post("/quen-mat-khau/", {"email": "vnpt_testvpdt3"}).content.decode()
    assert SEED_ERROR in page
    link = FORM_LINK.search(page)
    assert link, "no link to the blank form"
    form = client.get(link.group(1))  # nobody signed in
    assert form.status_code == 200
    assert form["Content-Type"] == "application/pdf"
    text = pdf_text(form.content, tmp_path)
    flat = " ".join(text.split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "V/v đề nghị cập nhật số điện thoại, khôi phục mật khẩu hộp thư điện tử công vụ",
        "Kính gửi:",
        "Trung tâm Công nghệ số",
        "Hộp thư công vụ",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ):
        assert expected in flat, expected
    assert "ngày ...... tháng ...... năm 20......" in flat  # the date, written by hand
    # After the table's head, rows with nothing but their number: lines to fill in.
    rows = text[text.index("Lý do") :].splitlines()
    numbered = [line.strip() for line in rows if re.fullmatch(r"\s*\d+\s*", line)]
    assert numbered == [str(n) for n in range(1, 9)]


def test_the_blank_form_carries_the_configured_number_line(client, settings, tmp_path):
    settings.GOVID_BACKOFFICE = {"letter_number": "Số: ..../VHTT"}
    form = client.get("/van-phong/mau-de-nghi.pdf")
    assert "Số: ..../VHTT" in " ".join(pdf_text(form.content, tmp_path).split())
