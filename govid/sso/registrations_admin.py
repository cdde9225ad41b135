"""The systems registered for single sign-on (OIDC applications, SAML service providers, CAS
services), changed or removed in the administration: each change is audited with the row it
changed, in the same transaction, as the command line's own registrations are."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from govid.audit.api import record


class AuditedRegistration:
    """For a ModelAdmin of registered systems: name the system (``audit_subject``) and what
    the audit keeps of it (``audit_details``). A save is audited once its related rows are
    saved too (an OIDC application's relying-party settings), a removal one system at a time,
    a bulk removal included."""

    def audit_subject(self, obj: Any) -> str:
        raise NotImplementedError

    def audit_details(self, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)  # type: ignore[misc]
            self._record(request, "client_changed" if change else "client_added", form.instance)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            subject, details = self.audit_subject(obj), self.audit_details(obj)
            super().delete_model(request, obj)  # type: ignore[misc]
            record("client_removed", actor=request.user.get_username(), subject=subject, **details)

    def _record(self, request: HttpRequest, action: str, obj: Any) -> None:
        actor = request.user.get_username()
        record(action, actor=actor, subject=self.audit_subject(obj), **self.audit_details(obj))
