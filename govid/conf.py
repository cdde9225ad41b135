"""One accessor for govid's settings blocks: typed, defaults in one dataclass per concern.

Each concern declares a frozen dataclass of its options with their defaults and reads it with
``settings_block(RecoverySettings, "GOVID_RECOVERY")``. Values may arrive as strings from the
environment; they are cast by the field's type. An unknown key is an error, so a typo in a
variable name is caught at start instead of silently ignored.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import timedelta
from functools import cache
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from govid.env import FALSE_WORDS, TRUE_WORDS

T = TypeVar("T")


def _cast(setting: str, key: str, kind: Any, value: Any) -> Any:
    where = f"{setting}[{key!r}] (environment variable {setting}_{key.upper()})"
    if isinstance(value, str):
        text = value.strip()
        try:
            if kind is bool:
                if text.lower() in TRUE_WORDS:
                    return True
                if text.lower() in FALSE_WORDS:
                    return False
                raise ValueError(text)
            if kind is int:
                return int(text)
            if kind is timedelta:
                return timedelta(seconds=int(text))
            if kind == tuple[str, ...]:
                return tuple(item.strip() for item in text.split(",") if item.strip())
        except ValueError:
            raise ImproperlyConfigured(f"{where}: cannot read {value!r} as {kind}") from None
        return value
    if kind is timedelta and isinstance(value, int | float):
        return timedelta(seconds=value)
    return value


def settings_block(cls: type[T], setting: str) -> T:
    """The dataclass ``cls`` filled from ``settings.<setting>`` (a dict), cast and checked."""
    return cast(T, _load_block(cast(Any, cls), setting))


def read_block(cls: type[T], setting: str, raw: dict[str, Any]) -> T:
    """The dataclass ``cls`` filled from ``raw`` (for settings.py, before Django is set up)."""
    fields = {f.name: f for f in dataclasses.fields(cast(Any, cls))}
    hints = typing.get_type_hints(cls)
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        names = ", ".join(f"{setting}_{key.upper()}" for key in unknown)
        raise ImproperlyConfigured(f"Unknown {setting} option(s): {names}")
    values = {key: _cast(setting, key, hints[key], value) for key, value in raw.items()}
    return cls(**values)


@cache
def _load_block(cls: Any, setting: str) -> Any:
    return read_block(cls, setting, getattr(settings, setting, {}) or {})


@receiver(setting_changed)
def _forget_blocks(**kwargs: Any) -> None:
    if str(kwargs.get("setting", "")).startswith("GOVID_"):
        _load_block.cache_clear()
