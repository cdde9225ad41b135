"""manage.py demo: load the demo province (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govid.demo.data import load_demo
from govid.directory.api import directory_settings


class Command(BaseCommand):
    help = "Load the demo units and accounts (only what is missing)."

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_demo(directory_settings().mail_domain)
        self.stdout.write(f"demo data: {added} row(s) added")
