"""A SAML service provider registered from its metadata."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ServiceProvider(models.Model):
    """One SP: its metadata (endpoints, certificates) and what govid sends it.

    ``attribute_map`` renames or drops what govid releases: ``{"mail": "email"}`` sends the
    address under the name ``email``; ``{"unit": null}`` sends no unit.
    """

    entity_id = models.CharField(_("mã thực thể"), max_length=500, unique=True)
    name = models.CharField(_("tên hệ thống"), max_length=200)
    metadata = models.TextField(_("siêu dữ liệu"))
    name_id_format = models.CharField(_("định dạng NameID mặc định"), max_length=200, blank=True)
    sign_response = models.BooleanField(_("ký cả thông điệp trả lời"), default=False)
    require_signed_requests = models.BooleanField(_("bắt buộc yêu cầu có chữ ký"), default=True)
    attribute_map = models.JSONField(_("đổi tên thuộc tính"), default=dict, blank=True)
    created_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    class Meta:
        app_label = "sso"
        verbose_name = _("hệ thống SAML")
        verbose_name_plural = pgettext_lazy("số nhiều", "hệ thống SAML")

    def __str__(self) -> str:
        return f"{self.name} ({self.entity_id})"
