"""System checks: a task queue setting that cannot work is refused at start."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from govid.tasks.conf import WORKERS, tasks_settings


@register()
def check_tasks(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        conf = tasks_settings()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="govid.E401")]
    if conf.worker not in WORKERS:
        return [
            Error(
                f"GOVID_TASKS_WORKER={conf.worker!r} is not a worker mode",
                hint=f"Set GOVID_TASKS_WORKER to one of {', '.join(WORKERS)}.",
                id="govid.E402",
            )
        ]
    if conf.poll.total_seconds() < 1 or conf.sweep.total_seconds() < 1:
        return [
            Error("GOVID_TASKS_POLL and GOVID_TASKS_SWEEP must be >= 1 second", id="govid.E403")
        ]
    return []
