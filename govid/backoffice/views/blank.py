"""The blank request form: for a unit with no back-office account, linked from the forgot
page when an account cannot be recovered (no phone on file)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from govid.backoffice.letter import LetterUnavailable
from govid.backoffice.letters import blank_letter_pdf
from govid.web.api import error_page


@require_GET
def blank_letter(request: HttpRequest) -> HttpResponse:
    """The letter's layout with empty lines, to print, fill in by hand, sign and send."""
    try:
        pdf = blank_letter_pdf()
    except LetterUnavailable:
        return error_page(
            request,
            503,
            _("Chưa tạo được công văn"),
            _("Máy chủ thiếu phông chữ để tạo công văn. Vui lòng báo quản trị hệ thống."),
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        'attachment; filename="mau-de-nghi-cap-nhat-so-dien-thoai.pdf"'
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response
