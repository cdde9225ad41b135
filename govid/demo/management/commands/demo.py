"""manage.py demo: load the demo province (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govid.demo.data import load_demo
from govid.directory.api import directory_settings


class Command(BaseCommand):
    help = (
        "Load the demo units and accounts (only what is missing; accounts only in the SQL "
        "directory, roles only to demo accounts the directory holds)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = load_demo(directory_settings().mail_domain)
        if loaded.skipped:
            self.stdout.write(loaded.skipped)
        self.stdout.write(f"demo data: {loaded.added} row(s) added")
