"""The RS256 keys that sign ID tokens: generated into var/oidc-keys/ on first run, rotated by
``manage.py sso rotate-key``.

``active.pem`` signs; each ``retired-<time>.pem`` is still published in the JWKS so that tokens
signed before a rotation keep verifying until they expire. Read by settings.py at start, so a
rotation takes effect when govid restarts.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_DIR = "oidc-keys"
ACTIVE = "active.pem"


@dataclass(frozen=True)
class SigningKeys:
    active: str  # PEM of the signing key
    retired: tuple[str, ...]  # PEMs still published for verification


def new_private_key_pem() -> str:
    """A fresh 2048-bit RSA key, PKCS#8 PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def signing_keys(var_dir: Path) -> SigningKeys:
    """The keys under ``var_dir``; the active one is generated (0600) if there is none yet."""
    folder = var_dir / KEY_DIR
    active = folder / ACTIVE
    if not active.exists():
        _write_once(active, new_private_key_pem())
    retired = sorted(folder.glob("retired-*.pem"), reverse=True)
    return SigningKeys(
        active=active.read_text(), retired=tuple(path.read_text() for path in retired)
    )


def rotate_signing_key(var_dir: Path, *, keep_retired_for: timedelta) -> list[str]:
    """Retire the active key, make a new one, drop keys retired before ``keep_retired_for``.

    Returns the file names now published as retired.
    """
    folder = var_dir / KEY_DIR
    signing_keys(var_dir)  # make sure there is an active key to retire
    now = time.time()
    for old in folder.glob("retired-*.pem"):
        if old.stat().st_mtime < now - keep_retired_for.total_seconds():
            old.unlink()
    retired = folder / f"retired-{int(now * 1000)}.pem"
    os.replace(folder / ACTIVE, retired)
    os.utime(retired, (now, now))  # the mtime says when it was retired
    _write_once(folder / ACTIVE, new_private_key_pem())
    return sorted(path.name for path in folder.glob("retired-*.pem"))


def _write_once(path: Path, text: str) -> None:
    """Create ``path`` (0600) unless another process did first; then everyone uses theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    try:
        os.link(candidate, path)  # fails if another process won the race
    except FileExistsError:
        pass
    finally:
        candidate.unlink()
