"""Reading the deployment's configuration from the environment: the only place that does."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number; got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_block(prefix: str) -> dict[str, str]:
    """Every variable named PREFIX_KEY, as {"key": value}; the app's settings class casts them."""
    return {
        name[len(prefix) :].lower(): value
        for name, value in os.environ.items()
        if name.startswith(prefix) and len(name) > len(prefix)
    }


def key_file(var_dir: Path, name: str) -> str:
    """The key in ``var_dir/name``, generated there once (0600 from its creation) by the first
    process to ask, and read by every other one."""
    path = var_dir / name
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        candidate = var_dir / f".{name}.{os.getpid()}"
        candidate.unlink(missing_ok=True)  # left by a process of the same number that died
        # Created 0600 from the start: the key is never readable by others, not even briefly.
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(50) + "\n")
            # link() fails if another process won the race: then everyone uses its key.
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


def secret_key_from(var_dir: Path) -> str:
    """GOVID_SECRET_KEY, or a key generated once into var/ (0600) and reused by every process."""
    return os.environ.get("GOVID_SECRET_KEY") or key_file(var_dir, "secret_key")
