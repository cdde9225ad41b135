"""Running a server as an unprivileged user when the tests run as root."""

from __future__ import annotations

import os
import pwd
from collections.abc import Sequence


def as_user(user: str, command: Sequence[str]) -> list[str]:
    """Servers such as PostgreSQL refuse to run as root: drop to ``user`` when we are root."""
    if os.geteuid() != 0:
        return list(command)
    pwd.getpwnam(user)  # fails clearly if the Debian package did not create the user
    return ["runuser", "-u", user, "--", *command]
