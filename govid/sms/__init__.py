"""SMS: the gateway plug point, the message record, and the texts govid sends."""

from __future__ import annotations

import threading

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from govid.sms.base import SmsError, SmsGateway
from govid.sms.conf import gateway_path, sms_settings
from govid.sms.pacing import RatePacer

__all__ = ["SmsError", "SmsGateway", "get_gateway", "get_routes"]

_built: dict[str, SmsGateway] = {}
_lock = threading.Lock()


def _build(name: str) -> SmsGateway:
    with _lock:
        if name not in _built:
            gateway: SmsGateway = import_string(gateway_path(name))()
            gateway.route_name = name
            gateway.pacer = RatePacer(gateway.rate)  # one per route, shared by every thread
            _built[name] = gateway
        return _built[name]


def get_routes() -> list[tuple[str, SmsGateway]]:
    """The configured gateways in failover order, each built once per process."""
    return [(name, _build(name)) for name in sms_settings().route_names]


def get_gateway() -> SmsGateway:
    """The first configured gateway."""
    return get_routes()[0][1]


@receiver(setting_changed)
def _forget_gateways(**kwargs: object) -> None:
    if kwargs.get("setting") in {"GOVID_SMS", "GOVID_KANNEL", "GOVID_SMPP", "GOVID_HTTP_SMS"}:
        with _lock:
            gateways = list(_built.values())
            _built.clear()
        for gateway in gateways:
            gateway.close()
