"""One SMPP 3.4 transceiver bind, kept up by a reader thread (smpplib underneath).

The reader thread connects, binds as a transceiver, then reads PDUs for good: submit_sm_resp
answers the waiting sender, deliver_sm carrying a delivery receipt goes to ``on_receipt``, and
after ``enquire_link`` seconds of silence smpplib sends an enquire_link. When the link breaks
or stays silent, the session reconnects with exponential back-off; senders waiting on a lost
link get a transient error, so the message is retried or takes the next route.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp

from govid.sms.base import SmsError
from govid.sms.conf import SmppSettings

log = logging.getLogger("govid.sms.smpp")

Receipt = Callable[[Any], None]
DELIVERY_RECEIPT = 0x04  # esm_class bit of a deliver_sm that carries a delivery receipt


class _SequenceGenerator(smpplib.client.SimpleSequenceGenerator):  # type: ignore[misc]
    """smpplib's sequence numbers, safe across the sending threads."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def next_sequence(self) -> int:
        with self._lock:
            return int(super().next_sequence())


class _Client(smpplib.client.Client):  # type: ignore[misc]
    """smpplib's client with serialized writes and a note of when the SMSC last spoke."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        super().__init__(
            host,
            port,
            timeout=timeout,
            sequence_generator=_SequenceGenerator(),
            allow_unknown_opt_params=True,
            logger_name="govid.sms.smpp.wire",
        )
        self._write_lock = threading.Lock()
        self.last_heard = time.monotonic()
        self.enquire_link_answers = 0

    def send_pdu(self, p: Any) -> bool:
        with self._write_lock:  # senders, receipts' answers and enquire_link share one socket
            return bool(super().send_pdu(p))

    def read_pdu(self) -> Any:
        pdu = super().read_pdu()
        self.last_heard = time.monotonic()
        if pdu is not None and pdu.command == "enquire_link_resp":
            self.enquire_link_answers += 1
        return pdu


class SmppSession:
    def __init__(self, conf: SmppSettings, *, on_receipt: Receipt) -> None:
        self.conf = conf
        self.on_receipt = on_receipt
        self.client: _Client | None = None
        self.bound = threading.Event()
        self.closed = threading.Event()
        self.last_error = "not connected yet"
        self.binds = 0
        self._pending: dict[int, Future[Any]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="govid-smpp", daemon=True)
                self._thread.start()

    def submit(self, **params: Any) -> Any:
        """Send one submit_sm and wait for its response PDU."""
        self.start()
        if not self.bound.wait(self.conf.timeout):
            raise SmsError(f"SMPP not bound: {self.last_error}")
        client = self.client
        if client is None:
            raise SmsError(f"SMPP not bound: {self.last_error}")
        answer: Future[Any] = Future()
        try:
            pdu = smpplib.smpp.make_pdu("submit_sm", client=client, **params)
            with self._lock:
                self._pending[pdu.sequence] = answer
            client.send_pdu(pdu)
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as e:
            raise SmsError(f"SMPP link lost while sending: {e or type(e).__name__}") from None
        try:
            return answer.result(timeout=self.conf.timeout)
        except FutureTimeout:
            with self._lock:
                self._pending.pop(pdu.sequence, None)
            raise SmsError(f"no submit_sm_resp within {self.conf.timeout} s") from None

    def close(self) -> None:
        self.closed.set()
        client = self.client
        if client is not None and self.bound.is_set():
            with contextlib.suppress(Exception):  # closing anyway
                client.unbind()
        self._drop("session closed")
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- the reader thread -------------------------------------------------------------------

    def _run(self) -> None:
        delay = 1.0
        while not self.closed.is_set():
            try:
                self._connect()
                delay = 1.0
                self._read_until_broken()
            except Exception as error:
                self.last_error = str(error) or type(error).__name__
                if not self.closed.is_set():
                    log.warning(
                        "SMPP link to %s:%s down: %s", self.conf.host, self.conf.port, error
                    )
            self._drop(self.last_error)
            if self.closed.wait(delay):
                break
            delay = min(delay * 2, float(self.conf.reconnect_max))

    def _connect(self) -> None:
        client = _Client(self.conf.host, self.conf.port, timeout=self.conf.enquire_link)
        client.set_message_sent_handler(self._answered)
        client.set_error_pdu_handler(self._answered)
        client.set_message_received_handler(self._received)
        self.client = client  # set first, so that _drop closes it whatever fails next
        client.connect()
        client.bind_transceiver(
            system_id=self.conf.system_id,
            password=self.conf.password,
            system_type=self.conf.system_type,
        )
        self.binds += 1
        self.bound.set()
        log.info("SMPP bound to %s:%s", self.conf.host, self.conf.port)

    def _read_until_broken(self) -> None:
        client = self.client
        assert client is not None  # noqa: S101
        silence = 2 * self.conf.enquire_link + self.conf.timeout
        while not self.closed.is_set():
            client.read_once()  # on a timeout it sends enquire_link instead
            if client.state != smpplib.consts.SMPP_CLIENT_STATE_BOUND_TRX:
                raise SmsError("unbound by the SMSC")
            if time.monotonic() - client.last_heard > silence:
                raise SmsError(f"SMSC silent for {silence} s")

    def _drop(self, reason: str) -> None:
        self.bound.clear()
        client, self.client = self.client, None
        if client is not None:
            with contextlib.suppress(Exception):  # the socket may already be gone
                client.disconnect()
        with self._lock:
            waiting, self._pending = self._pending, {}
        for answer in waiting.values():
            answer.set_exception(SmsError(f"SMPP link lost: {reason}"))

    def _answered(self, pdu: Any, **kwargs: Any) -> None:
        if pdu.command not in ("submit_sm_resp", "generic_nack"):
            return
        with self._lock:
            answer = self._pending.pop(pdu.sequence, None)
        if answer is not None and not answer.done():
            answer.set_result(pdu)

    def _received(self, pdu: Any, **kwargs: Any) -> int | None:
        if (getattr(pdu, "esm_class", 0) or 0) & DELIVERY_RECEIPT:
            self.on_receipt(pdu)
        return None  # deliver_sm_resp with ESME_ROK
