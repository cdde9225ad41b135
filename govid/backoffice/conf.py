"""Back-office settings (GOVID_BACKOFFICE_*)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govid.conf import settings_block


@dataclass(frozen=True)
class BackofficeSettings:
    scan_max_bytes: int = 5 * 1024 * 1024  # the signed scan of a request (PDF)
    import_max_bytes: int = 2 * 1024 * 1024  # an XLSX or CSV of accounts
    import_max_rows: int = 5000
    # An uploaded list (names and phones) that was never applied is deleted this long after
    # its upload; an applied one keeps only its name and dates.
    import_keep: timedelta = timedelta(days=1)
    letter_place: str = "Sóc Trăng"  # "Sóc Trăng, ngày ... tháng ... năm ..."
    # The number line under the issuer, e.g. "Số: ..../VHTT" (the unit writes the number).
    letter_number: str = "Số: ........./CV"
    # Debian's fonts-liberation2: Liberation Serif has Times New Roman's metrics (Decree 30)
    # and every Vietnamese letter.
    letter_font_dir: str = "/usr/share/fonts/truetype/liberation2"
    district_office: str = "Phòng Văn hóa và Thông tin {district}"
    provider: str = "Trung tâm Công nghệ số, Sở Thông tin và Truyền thông"


def backoffice_settings() -> BackofficeSettings:
    return settings_block(BackofficeSettings, "GOVID_BACKOFFICE")
