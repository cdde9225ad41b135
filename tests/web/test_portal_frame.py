"""The frame a state portal carries: who governs it, who runs it and where to reach them, all
from configuration (GOVID_BRAND_*), and an emblem whose alternative text says what it shows."""

from __future__ import annotations

import re

FRAME = {
    "agency": "Sở Thông tin và Truyền thông tỉnh Hậu Giang",
    "operator": "Trung tâm Chuyển đổi số",
    "address": "Số 12 Đường 3 Tháng 2, Phường V, Vị Thanh",
    "phone": "0293 3 876 543",
    "email": "ttcds@haugiang.gov.vn",
}


def footer_of(response) -> str:
    found = re.search(r"<footer.*?</footer>", response.content.decode(), re.S)
    assert found
    return found.group(0)


def test_the_footer_names_the_configured_agency_operator_and_their_contacts(db, client, settings):
    settings.GOVID_BRAND = dict(FRAME)
    footer = footer_of(client.get("/quen-mat-khau/"))
    assert "Cơ quan chủ quản: Sở Thông tin và Truyền thông tỉnh Hậu Giang" in footer
    assert "Đơn vị quản lý, vận hành: Trung tâm Chuyển đổi số" in footer
    assert "Địa chỉ: Số 12 Đường 3 Tháng 2, Phường V, Vị Thanh" in footer
    assert 'Điện thoại: <a href="tel:02933876543">0293 3 876 543</a>' in footer
    assert '<a href="mailto:ttcds@haugiang.gov.vn">' in footer
    assert "ttcds@<wbr>haugiang.<wbr>gov.<wbr>vn" in footer


def test_the_footer_shows_no_empty_line_for_what_is_not_configured(db, client, settings):
    settings.GOVID_BRAND = {"agency": "UBND tỉnh Sóc Trăng", "operator": ""}
    footer = footer_of(client.get("/quen-mat-khau/"))
    assert "Cơ quan chủ quản: UBND tỉnh Sóc Trăng" in footer
    for label in ("Đơn vị quản lý, vận hành", "Địa chỉ", "mailto:"):
        assert label not in footer


def test_the_footer_speaks_english_after_the_switch(db, client, settings):
    settings.GOVID_BRAND = dict(FRAME)
    client.post("/ngon-ngu/", {"language": "en", "next": "/quen-mat-khau/"})
    footer = footer_of(client.get("/quen-mat-khau/"))
    assert "Governing agency: Sở Thông tin và Truyền thông tỉnh Hậu Giang" in footer
    assert "Managed and operated by: Trung tâm Chuyển đổi số" in footer
    assert "Address: Số 12" in footer


def test_the_emblem_says_what_it_shows_and_a_logo_can_say_it_is_one(db, client, settings):
    html = client.get("/quen-mat-khau/").content.decode()
    # The shipped emblem.svg is a gold star on red, not the national emblem: it claims no more.
    assert 'alt="Biểu trưng sao vàng trên nền đỏ"' in html
    assert "Quốc huy" not in html
    settings.GOVID_BRAND = {"emblem_alt": "Biểu trưng Trung tâm Chuyển đổi số"}
    html = client.get("/quen-mat-khau/").content.decode()
    assert 'alt="Biểu trưng Trung tâm Chuyển đổi số"' in html
    assert "Cổng thông tin" not in html and "chính thức" not in html
