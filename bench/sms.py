"""SMS throughput: messages per second govid hands to Kannel and to an SMPP server.

Each is measured end to end through govid (a Message row and a task queued per message, the
worker claiming, sending and recording each one), against a baseline measured in the same
run on the same servers: the bare protocol calls without govid (sendsms GETs with the same
HTTP client; submit_sm with the same SMPP library, one at a time as govid's worker does).
Loopback only, bounded in count and time. Prints:

    sms_kannel: N msg/s (baseline raw sendsms B msg/s, ratio R)
    sms_smpp: N msg/s (baseline raw submit_sm B msg/s, ratio R)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.machine import details, write_result

COUNT = int(os.environ.get("BENCH_SMS_COUNT", "400"))
TIME_LIMIT = 60.0  # seconds per measurement, whatever COUNT says


def configure(var_dir: Path) -> None:
    """A throwaway govid (SQLite under var_dir) whose tasks this process runs itself."""
    os.environ.update(
        {
            "GOVID_VAR_DIR": str(var_dir),
            "GOVID_TASKS_WORKER": "external",
            "GOVID_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "govid.settings",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def timed(action: Callable[[int], None]) -> tuple[int, float]:
    """Run action(i) up to COUNT times within TIME_LIMIT: (done, seconds)."""
    start = time.perf_counter()
    done = 0
    while done < COUNT and time.perf_counter() - start < TIME_LIMIT:
        action(done)
        done += 1
    return done, time.perf_counter() - start


def raw_sendsms(kannel: Any) -> tuple[int, float]:
    from tests.servers.kannel import PASSWORD, USERNAME

    def send(i: int) -> None:
        query = urllib.parse.urlencode(
            {
                "username": USERNAME,
                "password": PASSWORD,
                "from": "SOCTRANG",
                "to": "84393555121",
                "text": f"Ma xac nhan: {i:06d}",
            }
        )
        with urllib.request.urlopen(f"{kannel.sendsms_url}?{query}", timeout=10) as r:
            assert r.status == 202

    return timed(send)


def raw_submit_sm(smsc: Any) -> tuple[int, float]:
    import smpplib.client
    import smpplib.smpp

    from tests.servers.smsc import PASSWORD, SYSTEM_ID

    client = smpplib.client.Client(
        "127.0.0.1", smsc.port, timeout=10, allow_unknown_opt_params=True
    )
    client.set_message_received_handler(lambda pdu, **kw: None)
    client.connect()
    client.bind_transceiver(system_id=SYSTEM_ID, password=PASSWORD)

    def send(i: int) -> None:
        pdu = smpplib.smpp.make_pdu(
            "submit_sm",
            client=client,
            source_addr_ton=5,
            source_addr="SOCTRANG",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="84393555121",
            short_message=f"Ma xac nhan: {i:06d}".encode(),
            registered_delivery=1,
        )
        client.send_pdu(pdu)
        while True:  # read until our answer; receipts of earlier messages come in between
            answer = client.read_pdu()
            if answer.command == "deliver_sm":
                client._message_received(answer)
            elif answer.command == "submit_sm_resp" and answer.sequence == pdu.sequence:
                assert answer.status == 0
                return

    try:
        return timed(send)
    finally:
        client.unbind()
        client.disconnect()


def through_govid(settings: dict[str, Any]) -> tuple[int, float]:
    """Queue COUNT code-like messages and let a worker hand them over: (sent, seconds)."""
    from django.db import transaction
    from django.test import override_settings

    from govid.sms import get_routes
    from govid.sms.delivery import queue_sms
    from govid.sms.models import Message
    from govid.tasks.worker import TaskLoop

    with override_settings(**settings):
        Message.objects.all().delete()
        loop = TaskLoop(worker_id="bench")
        start = time.perf_counter()
        for i in range(COUNT):
            with transaction.atomic():  # as a request does: its row and task commit together
                queue_sms("+84393555121", f"Ma xac nhan: {i:06d}", purpose="code")
        while time.perf_counter() - start < TIME_LIMIT:
            loop.run_once()
            if not Message.objects.filter(state="queued").exists():
                break
        seconds = time.perf_counter() - start
        sent = Message.objects.exclude(state__in=["queued", "failed"]).count()
        for _name, gateway in get_routes():
            gateway.close()
    return sent, seconds


def line(name: str, govid: tuple[int, float], base: tuple[int, float], what: str) -> dict[str, Any]:
    ours, theirs = rate(*govid), rate(*base)
    ratio = ours / theirs if theirs else 0.0
    print(f"{name}: {ours:.0f} msg/s (baseline raw {what} {theirs:.0f} msg/s, ratio {ratio:.2f})")
    return {
        "name": name,
        "msg_per_s": ours,
        "baseline_msg_per_s": theirs,
        "ratio": ratio,
        "messages": govid[0],
        "baseline_messages": base[0],
    }


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.servers.kannel import Kannel
    from tests.servers.smsc import Smsc

    machine = details()
    with tempfile.TemporaryDirectory(prefix="govid-bench-") as tmp:
        root = Path(tmp)
        configure(root / "var")
        kannel = Kannel(root / "kannel").start()
        smsc = Smsc(root / "smsc").start()
        try:
            results = [
                line(
                    "sms_kannel",
                    through_govid(
                        {
                            "GOVID_SMS": {"gateway": "kannel"},
                            "GOVID_PUBLIC_URL": "",
                            "GOVID_KANNEL": {
                                k.removeprefix("GOVID_KANNEL_").lower(): v
                                for k, v in kannel.env.items()
                            },
                        }
                    ),
                    raw_sendsms(kannel),
                    "sendsms",
                ),
                line(
                    "sms_smpp",
                    through_govid(
                        {
                            "GOVID_SMS": {"gateway": "smpp"},
                            "GOVID_SMPP": {
                                k.removeprefix("GOVID_SMPP_").lower(): v
                                for k, v in smsc.env.items()
                            },
                        }
                    ),
                    raw_submit_sm(smsc),
                    "submit_sm",
                ),
            ]
        finally:
            kannel.stop()
            smsc.stop()
    write_result("sms", {"count": COUNT, "results": results}, machine=machine)


if __name__ == "__main__":
    main()
