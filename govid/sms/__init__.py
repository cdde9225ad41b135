"""SMS: the gateway plug point and the texts govid sends."""

from __future__ import annotations

from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from govid.sms.base import SmsError, SmsGateway
from govid.sms.conf import sms_settings

__all__ = ["SmsError", "SmsGateway", "get_gateway"]


@cache
def get_gateway() -> SmsGateway:
    """The configured gateway, built once per process."""
    cls = import_string(sms_settings().gateway_path)
    gateway: SmsGateway = cls()
    return gateway


@receiver(setting_changed)
def _forget_gateway(**kwargs: object) -> None:
    if kwargs.get("setting") == "GOVID_SMS":
        get_gateway.cache_clear()
