"""Where staff find the back office: a link for those who hold a role."""

from __future__ import annotations

from django.http import HttpRequest

from govid.backoffice.models import RoleGrant


def staff_links(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "holds_backoffice_role": RoleGrant.objects.filter(login=user.get_username()).exists(),
        "is_administrator": bool(user.is_staff),
    }
