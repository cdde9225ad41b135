"""SMS settings (GOVID_SMS_*): routes, sender, texts, retries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govid.conf import settings_block

GATEWAYS = {
    "outbox": "govid.sms.gateways.outbox.OutboxGateway",
    "memory": "govid.sms.gateways.memory.MemoryGateway",
    "kannel": "govid.sms.gateways.kannel.KannelGateway",
    "smpp": "govid.sms.gateways.smpp.SmppGateway",
    "http": "govid.sms.gateways.http.HttpGateway",
}

CODE_TEMPLATE = (
    "Ma xac nhan khoi phuc mat khau thu cong vu: {code}. Co hieu luc {minutes} phut. "
    "Khong cung cap ma nay cho bat ky ai."
)
NOTICE_TEMPLATE = (
    "Mat khau thu cong vu cua ban da duoc thay doi luc {time}. "
    "Neu khong phai ban thuc hien, hay goi ngay {support}."
)


@dataclass(frozen=True)
class SmsSettings:
    # One gateway name (or dotted path), or several separated by commas: the failover order.
    gateway: str = "outbox"
    outbox: str = "var/sms-outbox.jsonl"
    echo: bool = False  # also print each outbox message on the console (demo under `make run`)
    sender: str = "SOCTRANG"  # the registered brandname
    code_template: str = CODE_TEMPLATE  # placeholders {code} {minutes}
    notice_template: str = NOTICE_TEMPLATE  # placeholders {time} {support}
    max_attempts: int = 5  # sending attempts (each tries every route) before "failed"
    retry_base: timedelta = timedelta(seconds=2)  # first back-off; doubles each attempt
    retry_max: timedelta = timedelta(minutes=5)  # longest back-off
    lease: timedelta = timedelta(seconds=60)  # a claimed message is retried after this
    # A bulk notice (queue_bulk) goes out in batches: each claims this many messages in one
    # transaction, keeps bulk_in_flight of them in flight (10: the SMPP window most carriers
    # allow; a deeper window than that is refused as throttling), and records them in one more.
    bulk_batch: int = 100
    bulk_in_flight: int = 10

    @property
    def route_names(self) -> tuple[str, ...]:
        return tuple(name.strip() for name in self.gateway.split(",") if name.strip())

    @property
    def gateway_path(self) -> str:
        """The dotted path of the first route."""
        return gateway_path(self.route_names[0] if self.route_names else "")


def gateway_path(name: str) -> str:
    return GATEWAYS.get(name, name)


def sms_settings() -> SmsSettings:
    return settings_block(SmsSettings, "GOVID_SMS")


@dataclass(frozen=True)
class KannelSettings:
    """GOVID_KANNEL_*: Kannel's HTTP sendsms interface (smsbox)."""

    sendsms_url: str = ""  # e.g. http://127.0.0.1:13013/cgi-bin/sendsms
    username: str = ""
    password: str = ""
    smsc: str = ""  # route to this SMSC id (Kannel's smsc-id), if set
    dlr_mask: int = 19  # delivered (1) + undelivered (2) + rejected by the SMSC (16)
    timeout: int = 10  # seconds
    rate: int = 0  # messages a second the carrier allows (0: no limit; see pacing.py)


@dataclass(frozen=True)
class SmppSettings:
    """GOVID_SMPP_*: an SMPP 3.4 bind to the carrier's SMSC."""

    host: str = ""
    port: int = 2775
    system_id: str = ""
    password: str = ""
    system_type: str = ""
    enquire_link: int = 30  # seconds of silence before an enquire_link
    timeout: int = 10  # seconds to wait for a bind or a submit_sm_resp
    reconnect_max: int = 60  # longest wait between reconnection attempts, seconds
    rate: int = 0  # messages a second the carrier allows (0: no limit; see pacing.py)


@dataclass(frozen=True)
class HttpSmsSettings:
    """GOVID_HTTP_SMS_*: a carrier's brandname REST API (see gateways/http.py for presets)."""

    preset: str = "json"
    url: str = ""
    method: str = ""
    username: str = ""
    password: str = ""
    headers: str = ""  # JSON object of header templates
    encoding: str = ""  # json, form or query
    body: str = ""  # JSON object of field templates
    ok_status: tuple[str, ...] = ()
    ok_field: str = ""  # JSON answers: dotted path of the result code...
    ok_values: tuple[str, ...] = ()  # ...and the values that mean "accepted"
    ok_pattern: str = ""  # text answers: a regex that means "accepted"
    id_field: str = ""  # dotted path of the provider's message id (JSON)
    id_pattern: str = ""  # regex whose first group is the message id (text)
    permanent_status: tuple[str, ...] = ()  # HTTP statuses that mean "never retry"
    permanent_values: tuple[str, ...] = ()  # result codes that mean "never retry"
    permanent_pattern: str = ""
    timeout: int = 10
    rate: int = 0  # messages a second the carrier allows (0: no limit; see pacing.py)


def kannel_settings() -> KannelSettings:
    return settings_block(KannelSettings, "GOVID_KANNEL")


def smpp_settings() -> SmppSettings:
    return settings_block(SmppSettings, "GOVID_SMPP")


def http_sms_settings() -> HttpSmsSettings:
    return settings_block(HttpSmsSettings, "GOVID_HTTP_SMS")
