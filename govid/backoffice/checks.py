"""System checks: warn at start when the letter's fonts are missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from govid.backoffice.conf import backoffice_settings
from govid.backoffice.letter.fonts import FONT_FILES


@register()
def check_backoffice(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = backoffice_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E501")]
    missing = [
        name for name in FONT_FILES.values() if not (Path(conf.letter_font_dir) / name).is_file()
    ]
    if missing:
        return [
            Warning(
                f"the request letters cannot be made: {', '.join(missing)} not in "
                f"{conf.letter_font_dir}",
                hint="Install Debian's fonts-liberation2 (make setup does) or set "
                "GOVID_BACKOFFICE_LETTER_FONT_DIR.",
                id="govid.W501",
            )
        ]
    return []
