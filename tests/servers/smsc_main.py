"""A test SMSC speaking SMPP 3.4, built on smpp34's asyncio server (run as a program).

It accepts every bind, answers each submit_sm and writes it as one JSON line to the log, then
sends a delivery receipt (deliver_sm, esm_class 0x04) like a carrier's SMSC. Some numbers play
the carrier's refusals: 84999... is an invalid destination (permanent), 84998... is throttled
(transient), and 84997... is taken but reported undeliverable.

    python -m tests.servers.smsc_main PORT LOGFILE
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from typing import TextIO

import smpp34
from smpp34._smpp34 import (
    ESME_RINVDSTADR,
    ESME_RTHROTTLED,
    TLV_MESSAGE_STATE,
    TLV_RECEIPTED_MESSAGE_ID,
)

INVALID, THROTTLED, UNDELIVERABLE = "84999", "84998", "84997"


async def serve(port: int, log_path: str) -> None:
    server = smpp34.Server(host="127.0.0.1", port=port, system_id="TESTSMSC")
    await server.start()
    sessions: dict[str, smpp34.Esme] = {}
    ids = itertools.count(1)
    with open(log_path, "a", encoding="utf-8") as log:
        while True:
            event = await server.next()
            if isinstance(event, smpp34.Esme):
                sessions[event.session_id] = event
                _write(log, {"event": "bind", "system_id": event.system_id})
            elif isinstance(event, smpp34.Unbound):
                sessions.pop(event.session_id, None)
                _write(log, {"event": "unbind"})
            elif isinstance(event, smpp34.SubmitSmEvent):
                await _submit(event, sessions, f"{next(ids):08x}", log)


async def _submit(
    event: smpp34.SubmitSmEvent, sessions: dict[str, smpp34.Esme], message_id: str, log: TextIO
) -> None:
    to = event.destination_addr
    if to.startswith(INVALID):
        event.reject(ESME_RINVDSTADR)
        return
    if to.startswith(THROTTLED):
        event.reject(ESME_RTHROTTLED)
        return
    _write(
        log,
        {
            "event": "submit",
            "id": message_id,
            "from": event.source_addr,
            "to": to,
            "text": event.short_message.decode("latin-1"),
            "registered_delivery": event.registered_delivery,
        },
    )
    event.accept(message_id=message_id)  # after the log line: whoever hears "accepted" finds it
    if not event.registered_delivery:
        return
    stat, state = ("UNDELIV", 5) if to.startswith(UNDELIVERABLE) else ("DELIVRD", 2)
    stamp = time.strftime("%y%m%d%H%M")
    receipt = (
        f"id:{message_id} sub:001 dlvrd:001 submit date:{stamp} done date:{stamp} "
        f"stat:{stat} err:000 text:"
    )
    esme = sessions.get(event.session_id)
    if esme is not None:
        # Sent beside the event loop, like a real SMSC's later report; kept until it is done.
        task = asyncio.create_task(_receipt(esme, event, receipt, message_id, state, log))
        _receipts.add(task)
        task.add_done_callback(_receipts.discard)


_receipts: set[asyncio.Task[None]] = set()


async def _receipt(
    esme: smpp34.Esme,
    event: smpp34.SubmitSmEvent,
    text: str,
    message_id: str,
    state: int,
    log: TextIO,
) -> None:
    try:
        await esme.deliver_sm(
            event.source_addr,
            text.encode(),
            source_addr=event.destination_addr,
            esm_class=0x04,
            tlvs=[
                smpp34.Tlv(TLV_RECEIPTED_MESSAGE_ID, message_id.encode() + b"\0"),
                smpp34.Tlv(TLV_MESSAGE_STATE, bytes([state])),
            ],
        )
    except smpp34.SmppError as error:  # the ESME left before its receipt: a real SMSC drops it
        _write(log, {"event": "receipt_lost", "id": message_id, "error": str(error)})


def _write(log: TextIO, entry: dict[str, object]) -> None:
    log.write(json.dumps(entry) + "\n")
    log.flush()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2]))
