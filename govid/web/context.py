from __future__ import annotations

from django.http import HttpRequest

from govid.web.conf import brand_settings, support_settings


def branding(request: HttpRequest) -> dict[str, object]:
    return {"brand": brand_settings(), "support": support_settings()}
