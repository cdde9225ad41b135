"""SmppGateway: submit_sm over an SMPP 3.4 transceiver bind, delivery receipts matched back."""

from __future__ import annotations

import re
from typing import Any

import smpplib.consts as c
import smpplib.gsm

from govid.sms import tracking
from govid.sms.base import SmsError, SmsGateway, SmsRefused
from govid.sms.conf import SmppSettings, smpp_settings, sms_settings
from govid.sms.gateways.smpp_session import SmppSession
from govid.sms.models import Message

# The SMSC's answers that no retry or other route will change: the number or text is wrong.
PERMANENT = {
    c.SMPP_ESME_RINVDSTADR,
    c.SMPP_ESME_RINVDSTTON,
    c.SMPP_ESME_RINVDSTNPI,
    c.SMPP_ESME_RINVMSGLEN,
    c.SMPP_ESME_RINVNUMDESTS,
}
# Final states of a receipt: the message_state TLV (SMPP 3.4, 5.2.28) or the "stat:" word.
TLV_STATES = {2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 7: "UNKNOWN", 8: "REJECTD"}
STATES = {
    "DELIVRD": Message.State.DELIVERED,
    "EXPIRED": Message.State.EXPIRED,
    "DELETED": Message.State.FAILED,
    "UNDELIV": Message.State.FAILED,
    "UNKNOWN": Message.State.FAILED,
    "REJECTD": Message.State.FAILED,
}
_RECEIPT = re.compile(rb"id:(?P<id>\S+).*?stat:(?P<stat>\w+)(?:.*?err:(?P<err>\w+))?", re.S)


class SmppGateway(SmsGateway):
    def __init__(self, conf: SmppSettings | None = None) -> None:
        self.conf = conf or smpp_settings()
        self.rate = self.conf.rate
        self.sender = sms_settings().sender
        self.session = SmppSession(self.conf, on_receipt=self._receipt)
        self._reports: tracking.ReportBatcher | None = None

    def send(self, to: str, text: str, *, ref: str = "") -> str:
        parts, coding, esm_class = smpplib.gsm.make_parts(text)
        if len(parts) != 1:
            raise SmsRefused("text longer than one SMS")
        sender_ton, sender_npi = (1, 1) if self.sender.isdigit() else (5, 0)  # alphanumeric
        resp = self.session.submit(
            source_addr_ton=sender_ton,
            source_addr_npi=sender_npi,
            source_addr=self.sender,
            dest_addr_ton=1,  # international
            dest_addr_npi=1,  # E.164
            destination_addr=to.removeprefix("+"),
            short_message=parts[0],
            data_coding=coding,
            esm_class=esm_class,
            registered_delivery=1,  # a receipt for the final outcome
        )
        status = int(resp.status or 0)
        if resp.command == "submit_sm_resp" and status == c.SMPP_ESME_ROK:
            return _text(resp.message_id)
        why = c.DESCRIPTIONS.get(status, "unknown error")
        if status in PERMANENT:
            raise SmsRefused(f"SMSC refused: 0x{status:08X} {why}")
        raise SmsError(f"SMSC did not take it: 0x{status:08X} {why}")

    def close(self) -> None:
        self.session.close()
        if self._reports is not None:
            self._reports.close()

    def _receipt(self, pdu: Any) -> None:
        found = parse_receipt(pdu)
        if found is None:
            return
        provider_id, stat, err = found
        state = STATES.get(stat)
        if state is None:
            return  # ENROUTE, ACCEPTD: not final
        if self._reports is None:  # (route_name is set after __init__, by get_routes)
            self._reports = tracking.ReportBatcher(self.route_name)
        self._reports.put(state, provider_id=provider_id, detail=f"stat:{stat} err:{err}")


def parse_receipt(pdu: Any) -> tuple[str, str, str] | None:
    """(message id, stat word, err) of a delivery receipt, from its TLVs or its text."""
    match = _RECEIPT.search(pdu.short_message or b"")
    provider_id = _text(getattr(pdu, "receipted_message_id", None)) or (
        _text(match.group("id")) if match else ""
    )
    state_tlv = getattr(pdu, "message_state", None)
    stat = TLV_STATES.get(int(state_tlv)) if state_tlv else None
    if stat is None and match:
        stat = _text(match.group("stat")).upper()
    if not provider_id or not stat:
        return None
    err = _text(match.group("err")) if match and match.group("err") else ""
    return provider_id, stat, err


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value.strip("\x00 ")


__all__ = ["SmppGateway", "SmsError", "parse_receipt"]
