"""Directory settings (GOVID_DIRECTORY, GOVID_MAIL_DOMAIN)."""

from __future__ import annotations

from dataclasses import dataclass

from govid.conf import settings_block

BACKENDS = {
    "sql": "govid.directory.backends.sql.SqlDirectory",
    "memory": "govid.directory.backends.memory.MemoryDirectory",
}


@dataclass(frozen=True)
class DirectorySettings:
    backend: str = "sql"
    mail_domain: str = "soctrang.gov.vn"

    @property
    def backend_path(self) -> str:
        return BACKENDS.get(self.backend, self.backend)


def directory_settings() -> DirectorySettings:
    return settings_block(DirectorySettings, "GOVID_DIRECTORY")
