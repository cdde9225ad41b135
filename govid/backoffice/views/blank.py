"""The blank request form: for a unit with no back-office account, linked from the forgot
page when an account cannot be recovered (no phone on file)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from govid.backoffice.letters import blank_letter_pdf
from govid.backoffice.views.common import letter_download


@require_GET
def blank_letter(request: HttpRequest) -> HttpResponse:
    """The letter's layout with empty lines, to print, fill in by hand, sign and send."""
    response = letter_download(request, blank_letter_pdf, "mau-de-nghi-cap-nhat-so-dien-thoai.pdf")
    if response.status_code == 200:  # never keep the fonts-missing page an hour
        patch_cache_control(response, public=True, max_age=3600)
    return response
