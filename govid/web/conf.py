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


@dataclass(frozen=True)
class SupportSettings:
    name: str = "Tổ hỗ trợ thư điện tử công vụ, Trung tâm Công nghệ số"
    phone: str = "0299 3 888 999"
    zalo: str = "0912 000 111"


def brand_settings() -> BrandSettings:
    return settings_block(BrandSettings, "GOVID_BRAND")


def support_settings() -> SupportSettings:
    return settings_block(SupportSettings, "GOVID_SUPPORT")
