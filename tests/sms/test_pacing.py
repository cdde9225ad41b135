"""The carrier's rate: sends through one gateway keep to GOVID_*_RATE messages a second, while
several are still in flight at once. Time is a fake clock: waiting moves it, nothing sleeps."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

import pytest

from govid.sms import get_routes
from govid.sms.base import SmsGateway
from govid.sms.checks import check_sms
from govid.sms.delivery import send_over_routes
from govid.sms.models import Message
from govid.sms.pacing import RatePacer

RATE = 4  # messages a second
SENDERS = 3  # worker threads sending at once


class FakeTime:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def monotonic(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def most_in_one_second(starts: list[float]) -> int:
    """The most starts in any window [t, t + 1 s)."""
    starts = sorted(starts)
    return max(sum(1 for s in starts if t <= s < t + 1) for t in starts)


class HeldGateway(SmsGateway):
    """A stand-in carrier that holds each message until SENDERS of them are in its hands at once
    (a send serialized by the pace would never get there), noting when each one arrived."""

    rate = RATE

    def __init__(self) -> None:
        self.time = FakeTime()
        self.arrivals: list[float] = []
        self.together = threading.Barrier(SENDERS, timeout=10)

    def send(self, to: str, text: str, *, ref: str = "") -> str:
        self.arrivals.append(self.time.monotonic())
        self.together.wait()  # BrokenBarrierError if the others cannot reach it meanwhile
        return ref


@pytest.fixture
def held(settings) -> Iterator[HeldGateway]:
    settings.GOVID_SMS = {"gateway": f"{__name__}.HeldGateway"}
    [(_name, gateway)] = get_routes()
    assert isinstance(gateway, HeldGateway)
    # The route's own pacer, on the fake clock.
    gateway.pacer = RatePacer(
        gateway.rate, monotonic=gateway.time.monotonic, sleep=gateway.time.sleep
    )
    yield gateway


def test_no_second_holds_more_starts_than_the_rate() -> None:
    time = FakeTime()
    pacer = RatePacer(RATE, monotonic=time.monotonic, sleep=time.sleep)
    starts: list[float] = []

    def sender() -> None:
        for _ in range(10):
            pacer.wait()
            starts.append(time.monotonic())

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(starts) == 10 * SENDERS
    assert most_in_one_second(starts) == RATE
    assert max(starts) - min(starts) >= (len(starts) - 1) / RATE  # 30 sends: 7.25 s at least


def test_a_late_wake_up_does_not_let_the_next_send_catch_up():
    time = FakeTime()
    late = 0.2  # each sleep overshoots (a busy machine)

    def sleep(seconds: float) -> None:
        time.sleep(seconds + late)

    pacer = RatePacer(RATE, monotonic=time.monotonic, sleep=sleep)
    starts = []
    for _ in range(12):
        pacer.wait()
        starts.append(time.monotonic())
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / RATE


def test_without_a_rate_nothing_waits():
    time = FakeTime()
    pacer = RatePacer(0, monotonic=time.monotonic, sleep=time.sleep)
    for _ in range(100):
        pacer.wait()
    assert time.now == 100.0


def test_the_gateways_send_within_the_rate_with_several_in_flight(held: HeldGateway) -> None:
    """Three worker threads hand twelve messages to one route: the carrier holds three at once
    (the pace does not serialize the sends) yet never gets more than RATE in a second."""
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        for k in range(4):
            message = Message(to=f"+8439{n}00000{k}", text="Thong bao", purpose="notice")
            try:
                send_over_routes(message, message.text)
            except BaseException as error:  # reported by the assertion below
                errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(held.arrivals) == 4 * SENDERS
    assert most_in_one_second(held.arrivals) <= RATE


@pytest.mark.parametrize(
    ("gateway", "setting", "options"),
    [
        ("kannel", "GOVID_KANNEL", {"sendsms_url": "http://127.0.0.1:9/cgi-bin/sendsms"}),
        ("smpp", "GOVID_SMPP", {"host": "127.0.0.1"}),
        ("http", "GOVID_HTTP_SMS", {"url": "http://127.0.0.1:9/sms"}),
    ],
)
def test_each_gateway_is_paced_at_its_configured_rate(settings, gateway, setting, options):
    settings.GOVID_SMS = {"gateway": gateway}
    setattr(settings, setting, {**options, "rate": "30"})  # as the environment gives it
    [(_name, route)] = get_routes()
    assert (route.rate, route.pacer.interval) == (30, pytest.approx(1 / 30))


def test_a_negative_rate_is_refused_at_start(settings):
    settings.GOVID_SMPP = {"rate": "-5"}
    errors = [e for e in check_sms() if e.id == "govid.E110"]
    assert [e.msg for e in errors] == ["GOVID_SMPP_RATE=-5 is not a rate"]
