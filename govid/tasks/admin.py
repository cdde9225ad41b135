"""The task queue's results, read-only, every column in Vietnamese (English through the switch).

django-tasks-db's own fields keep their English names (its migrations own them): the list shows
them through columns with Vietnamese headings. The worker (`manage.py worker`) runs the tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

STATUSES = {
    TaskResultStatus.READY: _("chờ chạy"),
    TaskResultStatus.RUNNING: _("đang chạy"),
    TaskResultStatus.FAILED: _("thất bại"),
    TaskResultStatus.SUCCESSFUL: _("thành công"),
}


class StatusFilter(admin.SimpleListFilter):
    title = _("trạng thái")
    parameter_name = "status__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(str(status), STATUSES.get(status, status.label)) for status in TaskResultStatus]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(status=value) if value else queryset


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ["id", "name", "state", "enqueued", "started", "finished", "queue"]  # type: ignore[assignment]
    list_filter = [StatusFilter]  # type: ignore[assignment]

    @admin.display(description=_("tác vụ"), ordering="task_path")
    def name(self, obj: Any) -> str:
        # The path as stored: a task that no longer exists still has its row listed.
        return str(obj.task_path)

    @admin.display(description=_("trạng thái"), ordering="status")
    def state(self, obj: Any) -> str:
        status = TaskResultStatus(obj.status)
        return str(STATUSES.get(status, status.label))

    @admin.display(description=_("xếp hàng lúc"), ordering="enqueued_at")
    def enqueued(self, obj: Any) -> Any:
        return obj.enqueued_at

    @admin.display(description=_("bắt đầu lúc"), ordering="started_at")
    def started(self, obj: Any) -> Any:
        return obj.started_at

    @admin.display(description=_("xong lúc"), ordering="finished_at")
    def finished(self, obj: Any) -> Any:
        return obj.finished_at

    @admin.display(description=_("hàng đợi"), ordering="queue_name")
    def queue(self, obj: Any) -> str:
        return str(obj.queue_name)
