"""SMS settings (GOVID_SMS_*)."""

from __future__ import annotations

from dataclasses import dataclass

from govid.conf import settings_block

GATEWAYS = {
    "outbox": "govid.sms.gateways.outbox.OutboxGateway",
    "memory": "govid.sms.gateways.memory.MemoryGateway",
}


@dataclass(frozen=True)
class SmsSettings:
    gateway: str = "outbox"
    outbox: str = "var/sms-outbox.jsonl"
    echo: bool = False  # also print each outbox message on the console (demo under `make run`)

    @property
    def gateway_path(self) -> str:
        return GATEWAYS.get(self.gateway, self.gateway)


def sms_settings() -> SmsSettings:
    return settings_block(SmsSettings, "GOVID_SMS")
