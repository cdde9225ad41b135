"""Security notices' fixtures: a real SMTP server (aiosmtpd) that govid sends to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.smtp import SmtpServer


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    """aiosmtpd on a free port of 127.0.0.1, GOVID_SMTP_* pointing at it; stopped after."""
    server = SmtpServer().start()
    settings.GOVID_SMTP = {"host": "127.0.0.1", "port": str(server.port), "security": "none"}
    yield server
    server.stop()
