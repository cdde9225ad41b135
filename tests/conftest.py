"""Shared fixtures: the in-memory SMS double, accounts in the SQL directory, a frozen clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from govid import clock
from govid.directory.models import StoredAccount
from govid.directory.provision import add_account, add_unit
from govid.sms import get_gateway
from govid.sms.gateways.memory import MemoryGateway
from tests.servers.carrier import Carrier
from tests.servers.kannel import Kannel
from tests.servers.smsc import Smsc

# Real servers as session fixtures: ``slapd`` (OpenLDAP) and ``dovecot`` (IMAP on that LDAP).
pytest_plugins = [
    "tests.servers.slapd",
    "tests.servers.dovecot",
    "tests.servers.zimbra",
    "tests.servers.samba_ad",
]

# Property tests: a short run in `make test`, a long one in `make fuzz` (GOVID_FUZZ=long).
hypothesis_settings.register_profile(
    "short",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile("long" if os.environ.get("GOVID_FUZZ") == "long" else "short")

PASSWORD = "Cu@Matkhau2025"
NEW_PASSWORD = "Moi#Matkhau2026"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``once`` run in the embedded pass only: the PostgreSQL + Redis pass (where
    GOVID_DATABASE_URL names PostgreSQL) would repeat them against the same outside server."""
    if not os.environ.get("GOVID_DATABASE_URL", "").startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="runs once, in the embedded pass")
    for item in items:
        if "once" in item.keywords:
            item.add_marker(skip)


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _plain_static_files(settings) -> None:
    """Pages render without a prior collectstatic (the live servers of tests/e2e collect)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache(settings) -> Iterator[None]:
    """Counters kept in the cache never leak from one test to another.

    The embedded default's database cache becomes local memory here (tests without a database
    must still run); with GOVID_REDIS_URL the suite runs on Redis itself.
    """
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "govid-tests",
            }
        }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _vietnamese_first() -> Iterator[None]:
    """Each test starts in Vietnamese: a request with the English switch leaves its thread in
    English (the middleware activates the language per request, as Django's does)."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture(autouse=True)
def _no_lookup_floor(settings) -> None:
    """The forgot page answers in a fixed time (100 ms); tests that measure it set it back."""
    settings.GOVID_LIMITS = {**settings.GOVID_LIMITS, "lookup_time_ms": 0}


@pytest.fixture(autouse=True)
def sms() -> Iterator[MemoryGateway]:
    """Every test sends through the in-memory gateway unless it configures another, and runs
    each background task at once, in the test's own transaction."""
    with override_settings(GOVID_SMS={"gateway": "memory"}, TASKS=IMMEDIATE_TASKS):
        gateway = get_gateway()
        assert isinstance(gateway, MemoryGateway)
        yield gateway


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, one for the whole run (tests/e2e, tests/abuse)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def kannel_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kannel]:
    """A real Kannel with its test SMSC, for the whole run."""
    server = Kannel(tmp_path_factory.mktemp("kannel")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smsc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Smsc]:
    """A real SMPP 3.4 server (smpp34's) playing the carrier's SMSC, for the whole run."""
    server = Smsc(tmp_path_factory.mktemp("smsc")).start()
    yield server
    server.stop()


@pytest.fixture
def carrier() -> Iterator[Carrier]:
    """A stand-in for a carrier's paid REST API, on a free loopback port."""
    server = Carrier().start()
    yield server
    server.stop()


@pytest.fixture
def units(db: None) -> None:
    add_unit("ST", name="Tỉnh Sóc Trăng", actor="test")
    add_unit("MYTU", name="Huyện Mỹ Tú", parent="ST", actor="test")
    add_unit("MYTU-VHTT", name="Phòng Văn hóa và Thông tin", parent="MYTU", actor="test")


@pytest.fixture
def account(units: None) -> StoredAccount:
    return add_account(
        "an.nguyen@soctrang.gov.vn",
        name="Nguyễn Văn An",
        unit="MYTU-VHTT",
        phone="0393 555 121",
        password=PASSWORD,
        actor="test",
    )


@pytest.fixture
def locked_account(units: None) -> StoredAccount:
    row = add_account(
        "cuong.le@soctrang.gov.vn",
        name="Lê Văn Cường",
        unit="MYTU-VHTT",
        phone="0987654321",
        password=PASSWORD,
        actor="test",
    )
    StoredAccount.objects.filter(pk=row.pk).update(locked=True)
    return row


@pytest.fixture
def phoneless_account(units: None) -> StoredAccount:
    return add_account(
        "vnpt_testvpdt3@soctrang.gov.vn",
        name="Thử nghiệm",
        unit="MYTU-VHTT",
        password=PASSWORD,
        actor="test",
    )


@pytest.fixture
def administrator(units: None) -> Client:
    """The provider's administrator, in the directory as every administrator is (the
    administration asks the directory on each request), signed in."""
    from govid.sso.models import User

    add_account("quantri@soctrang.gov.vn", name="Quản trị", unit="ST", actor="test")
    client = Client()
    client.force_login(User.objects.create_superuser("quantri@soctrang.gov.vn"))
    return client


@pytest.fixture
def frozen() -> Iterator[datetime]:
    start = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    with clock.frozen(start):
        yield start
