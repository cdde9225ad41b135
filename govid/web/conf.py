"""The deployment's face: branding (GOVID_BRAND_*) and the support contact (GOVID_SUPPORT_*)."""

from __future__ import annotations

from dataclasses import dataclass

from govid.conf import settings_block


@dataclass(frozen=True)
class BrandSettings:
    province: str = "TỈNH SÓC TRĂNG"
    platform_title: str = "NỀN TẢNG TÍCH HỢP VÀ CHIA SẺ DỮ LIỆU LGSP"
    mail_title: str = "HỆ THỐNG THƯ ĐIỆN TỬ CÔNG VỤ"
    emblem: str = "govid/emblem.svg"  # a static file path
    # What the emblem image shows, as its alternative text; empty: what the shipped emblem.svg
    # is (a gold star on red, not the national emblem). A deployment that ships the national
    # emblem's image says "Quốc huy"; one showing its own logo names that.
    emblem_alt: str = ""
    # The footer, as a state portal carries it: the governing agency ("Cơ quan chủ quản"), the
    # unit that runs the service and answers for it, and where to reach that unit (each line
    # is shown only when set).
    agency: str = "Sở Thông tin và Truyền thông tỉnh Sóc Trăng"
    operator: str = "Trung tâm Công nghệ số"
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class SupportSettings:
    name: str = "Tổ hỗ trợ thư điện tử công vụ, Trung tâm Công nghệ số"
    phone: str = "0299 3 888 999"
    zalo: str = "0912 000 111"


def brand_settings() -> BrandSettings:
    return settings_block(BrandSettings, "GOVID_BRAND")


def support_settings() -> SupportSettings:
    return settings_block(SupportSettings, "GOVID_SUPPORT")
