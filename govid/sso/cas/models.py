"""CAS services registered with govid, the service and proxy tickets it issues them, and the
proxy-granting tickets of the services allowed to proxy."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CasService(models.Model):
    """A system that signs in through CAS: every service URL starting with ``service_url``."""

    name = models.CharField(_("tên hệ thống"), max_length=200, unique=True)
    service_url = models.URLField(_("tiền tố địa chỉ dịch vụ"), max_length=500, unique=True)
    # CAS single logout: a back-channel logoutRequest POSTed to the service URL at sign-out.
    single_logout = models.BooleanField(_("đăng xuất đồng thời"), default=False)
    # CAS 3.0 proxy (2.5.4): the prefix a pgtUrl must start with for this service to get
    # proxy-granting tickets; empty: it may not proxy.
    proxy_callback = models.URLField(
        _("tiền tố địa chỉ nhận vé ủy quyền (pgtUrl)"), max_length=500, blank=True
    )
    # Whether a proxy ticket (another service acting for the person) may sign in to this one.
    accept_proxies = models.BooleanField(_("nhận vé ủy quyền (proxy ticket)"), default=False)
    created_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    class Meta:
        app_label = "sso"
        verbose_name = _("hệ thống CAS")
        verbose_name_plural = pgettext_lazy("số nhiều", "hệ thống CAS")

    def __str__(self) -> str:
        return f"{self.name} ({self.service_url})"


class ProxyGrantingTicket(models.Model):
    """A proxy-granting ticket (``PGT-...``): lets one service ask for proxy tickets for the
    person while the sign-in lasts (it is void once the sign-in ended). Only its hash is kept."""

    ticket_hash = models.CharField(max_length=64, unique=True)
    service = models.ForeignKey(CasService, on_delete=models.CASCADE, related_name="+")
    sign_in = models.ForeignKey("sso.SignIn", on_delete=models.CASCADE, related_name="+")
    login = models.CharField(max_length=254)
    # The proxy chain as cas:proxies lists it: the callback URLs, the most recent first.
    proxies = models.JSONField(default=list)
    created_at = models.DateTimeField()

    class Meta:
        app_label = "sso"

    def __str__(self) -> str:
        return f"{self.service.name} ({self.created_at:%Y-%m-%d %H:%M:%S})"


class ServiceTicket(models.Model):
    """A service ticket (``ST-...``) or proxy ticket (``PT-...``, ``granted_by`` a PGT):
    single-use, short-lived, bound to one service URL.

    Only a hash of the ticket is kept here; the sign-in's visit keeps the ticket itself, which
    the single-logout message must name.
    """

    ticket_hash = models.CharField(max_length=64, unique=True)
    service = models.ForeignKey(CasService, on_delete=models.CASCADE, related_name="+")
    service_url = models.CharField(max_length=2000)
    sid = models.CharField(max_length=64)
    login = models.CharField(max_length=254)
    # Issued right after the person typed their password (what renew=true asks for).
    primary = models.BooleanField(default=False)
    granted_by = models.ForeignKey(
        ProxyGrantingTicket, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "sso"

    def __str__(self) -> str:
        return f"{self.service.name} ({self.created_at:%Y-%m-%d %H:%M:%S})"
