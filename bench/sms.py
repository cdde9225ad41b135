"""sms_kannel and sms_smpp: messages a second govid hands to Kannel and to an SMPP server,
through the real worker, against the raw gateway measured in the same run.

govid, production shape: PostgreSQL (durable), `manage.py worker` woken by NOTIFY. COUNT
notices are queued in one transaction as a province-wide notice is (``queue_bulk``, what
`manage.py sms broadcast` calls): the worker sends them in batches, GOVID_SMS_BULK_IN_FLIGHT
messages in flight on one gateway. The clock runs from the commit to the last message recorded
as sent (the gateway took it). A few messages go first, unmeasured, so that the worker's
connections are open.

The baseline, the raw gateway with the same number in flight and no govid: that many threads
each calling sendsms (urllib, KannelGateway's client); one SMPP bind keeping that many
submit_sm unanswered at once (smpplib, as govid's session). No carrier rate is set (the
GOVID_*_RATE pacing is not what is measured). Loopback only, bounded in count and time. Prints:

    sms_kannel: N msg/s (worker CPU X ms a message, C in flight) | ratio R of raw sendsms
        (B msg/s, C in flight) | target ratio >= 0.5
    sms_smpp: N msg/s (...) | ratio R of raw submit_sm (B msg/s, C in flight) | target ...
"""

from __future__ import annotations

import contextlib
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.knobs import SMS_COUNT as COUNT
from bench.machine import cpu_seconds, details, write_result
from bench.site import ROOT, Site, production_site, start_worker, stop_worker

TIME_LIMIT = 120.0  # seconds per measurement, whatever COUNT says
WARM = 10  # messages through the worker before the measured ones
TARGET = 0.5  # each line's ratio of its raw gateway
PHONE = "+84393555121"


def raw_sendsms(kannel: Any, in_flight: int) -> tuple[int, float]:
    """COUNT sendsms GETs, ``in_flight`` at a time: (accepted, seconds)."""
    from tests.servers.kannel import PASSWORD, USERNAME

    def send(i: int) -> bool:
        query = urllib.parse.urlencode(
            {
                "username": USERNAME,
                "password": PASSWORD,
                "from": "SOCTRANG",
                "to": PHONE.removeprefix("+"),
                "text": f"Thong bao so {i:06d}",
            }
        )
        with urllib.request.urlopen(f"{kannel.sendsms_url}?{query}", timeout=10) as answer:
            return bool(answer.status == 202)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        accepted = sum(pool.map(send, range(COUNT)))
    return accepted, time.perf_counter() - start


def raw_submit_sm(smsc: Any, in_flight: int) -> tuple[int, float]:
    """COUNT submit_sm on one bind, ``in_flight`` unanswered at a time: (accepted, seconds)."""
    import smpplib.client
    import smpplib.exceptions
    import smpplib.smpp

    from tests.servers.smsc import PASSWORD, SYSTEM_ID

    client = smpplib.client.Client(
        "127.0.0.1", smsc.port, timeout=10, allow_unknown_opt_params=True
    )
    client.set_message_received_handler(lambda pdu, **kw: None)
    client.connect()
    client.bind_transceiver(system_id=SYSTEM_ID, password=PASSWORD)
    waiting: set[int] = set()
    sent = accepted = 0
    start = time.perf_counter()
    try:
        while accepted < COUNT and time.perf_counter() - start < TIME_LIMIT:
            while sent < COUNT and len(waiting) < in_flight:
                pdu = smpplib.smpp.make_pdu(
                    "submit_sm",
                    client=client,
                    source_addr_ton=5,
                    source_addr="SOCTRANG",
                    dest_addr_ton=1,
                    dest_addr_npi=1,
                    destination_addr=PHONE.removeprefix("+"),
                    short_message=f"Thong bao so {sent:06d}".encode(),
                    registered_delivery=1,
                )
                client.send_pdu(pdu)
                waiting.add(pdu.sequence)
                sent += 1
            answer = client.read_pdu()  # receipts of earlier messages come in between
            if answer.command == "deliver_sm":
                client._message_received(answer)  # answered with deliver_sm_resp
            elif answer.command == "submit_sm_resp" and answer.sequence in waiting:
                waiting.discard(answer.sequence)
                accepted += answer.status == 0
        return accepted, time.perf_counter() - start
    finally:
        # The count is taken: a server that drops the link at unbind changes nothing in it.
        with contextlib.suppress(smpplib.exceptions.ConnectionError, OSError):
            client.unbind()
        client.disconnect()


def queue_notices(count: int, first: int) -> datetime:
    """``count`` notices queued in one transaction, as a province-wide notice is; returns the
    moment it committed (the worker is woken then)."""
    from django.db import transaction

    from govid.sms.delivery import queue_bulk

    with transaction.atomic():
        queue_bulk((PHONE, f"Thong bao so {i:06d}") for i in range(first, first + count))
    return datetime.now(UTC)


def wait_until_sent(since: datetime, count: int) -> tuple[int, int, datetime | None]:
    """Until the ``count`` messages queued after ``since`` have left the queue:
    (sent, failed, when the last was recorded as sent)."""
    from django.db.models import Max

    from govid.sms.models import Message

    batch = Message.objects.filter(queued_at__gte=since)
    deadline = time.monotonic() + TIME_LIMIT
    while batch.filter(state="queued").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    done = batch.filter(state__in=["sent", "delivered"])
    last = done.aggregate(last=Max("sent_at"))["last"]
    return done.count(), batch.filter(state__in=["failed", "expired"]).count(), last


def durable_writes() -> tuple[int, int]:
    """PostgreSQL's counts so far: (transactions committed in this database, WAL flushes to
    disk). Each commit that wrote waits for its flush: the bound of a durable queue."""
    from django.db import connection

    time.sleep(1.2)  # backends publish their counts at most once a second
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),"
            " (SELECT wal_sync FROM pg_stat_wal)"
        )
        commits, syncs = cursor.fetchone()
    return int(commits), int(syncs)


def forget_unsent() -> None:
    """Messages still queued after TIME_LIMIT: not for the next gateway's worker to send."""
    from govid.sms.models import Message

    Message.objects.filter(state="queued").delete()  # their tasks then find nothing to do


def through_govid(site: Site, env: dict[str, str]) -> dict[str, Any]:
    """The worker on this gateway: WARM messages, then COUNT measured ones."""
    worker = start_worker(site, ROOT, extra_env=env)
    try:
        wait_until_sent(queue_notices(WARM, 0), WARM)
        commits_before, syncs_before = durable_writes()  # (the queueing adds one commit)
        pids = [worker.pid]
        cpu_before = cpu_seconds(pids)
        began = datetime.now(UTC)
        committed = queue_notices(COUNT, WARM)
        sent, failed, last = wait_until_sent(began, COUNT)
        cpu = cpu_seconds(pids) - cpu_before
        commits, syncs = durable_writes()
    finally:
        stop_worker(site, worker)
        forget_unsent()
    seconds = (last - committed).total_seconds() if last else 0.0
    per = sent or 1
    return {
        "sent": sent,
        "failed": failed,
        "seconds": round(seconds, 3),
        "msg_per_s": sent / seconds if seconds > 0 else 0.0,
        "worker_cpu_ms_per_message": round(1000 * cpu / per, 2),
        # Every transaction in the database meanwhile (the measuring's polls included).
        "commits_per_message": round((commits - commits_before) / per, 2),
        "wal_flushes_per_message": round((syncs - syncs_before) / per, 2),
    }


def line(
    name: str, govid: dict[str, Any], raw: tuple[int, float], what: str, in_flight: int
) -> dict[str, Any]:
    theirs = raw[0] / raw[1] if raw[1] else 0.0
    ratio = govid["msg_per_s"] / theirs if theirs else 0.0
    report.line(
        name,
        f"{govid['msg_per_s']:.0f} msg/s",
        detail=f"{govid['sent']} sent, {govid['failed']} failed, {in_flight} in flight; a "
        f"message: worker CPU {govid['worker_cpu_ms_per_message']} ms, "
        f"{govid['commits_per_message']} commits, {govid['wal_flushes_per_message']} WAL flushes",
        ratio=ratio,
        of=f"raw {what} ({theirs:.0f} msg/s, {in_flight} in flight)",
        targets=[report.at_least(ratio, TARGET, f"ratio >= {TARGET}")],
    )
    return {
        "name": name,
        **govid,
        "in_flight": in_flight,
        "baseline_msg_per_s": theirs,
        "baseline_messages": raw[0],
        "ratio": ratio,
    }


def main() -> None:
    from govid.sms.conf import sms_settings
    from tests.servers.kannel import Kannel
    from tests.servers.smsc import Smsc

    machine = details()
    with tempfile.TemporaryDirectory(prefix="govid-bench-") as tmp:
        root = Path(tmp)
        kannel, smsc = Kannel(root / "kannel"), Smsc(root / "smsc")
        try:
            kannel.start()
            smsc.start()
            with production_site(root) as site:
                in_flight = sms_settings().bulk_in_flight
                kannel_env = {"GOVID_SMS_GATEWAY": "kannel", "GOVID_PUBLIC_URL": "", **kannel.env}
                smpp_env = {"GOVID_SMS_GATEWAY": "smpp", **smsc.env}
                results = [
                    line(
                        "sms_kannel",
                        through_govid(site, kannel_env),
                        raw_sendsms(kannel, in_flight),
                        "sendsms",
                        in_flight,
                    ),
                    line(
                        "sms_smpp",
                        through_govid(site, smpp_env),
                        raw_submit_sm(smsc, in_flight),
                        "submit_sm",
                        in_flight,
                    ),
                ]
        finally:
            kannel.stop()
            smsc.stop()
    write_result("sms", {"count": COUNT, "results": results}, machine=machine)


if __name__ == "__main__":
    main()
