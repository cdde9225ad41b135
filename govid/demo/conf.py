"""Demo settings (GOVID_DEMO): where `make run` serves the demo relying party (PORT)."""

from __future__ import annotations

from dataclasses import dataclass

from govid.conf import settings_block


@dataclass(frozen=True)
class DemoSettings:
    port: int = 8000  # PORT, as `make run` and the tests' live servers export it


def demo_settings() -> DemoSettings:
    return settings_block(DemoSettings, "GOVID_DEMO")
