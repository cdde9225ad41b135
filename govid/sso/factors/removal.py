"""The helpdesk's way for someone who lost every second factor: on the unit's request."""

from __future__ import annotations

from django.db import transaction

from govid.audit.api import record
from govid.sso.factors.models import RecoveryCode, SecurityKey, TotpDevice


def remove_all_factors(login: str, *, actor: str, ip: str | None, reference: str) -> bool:
    """Remove ``login``'s app, keys and recovery codes, naming the unit's request (audited);
    whether there was any."""
    with transaction.atomic():
        apps, _ = TotpDevice.objects.filter(login=login).delete()
        keys, _ = SecurityKey.objects.filter(login=login).delete()
        RecoveryCode.objects.filter(login=login).delete()
        if apps or keys:
            record(
                "factor_removed", actor=actor, subject=login, ip=ip, kind="all", request=reference
            )
    return bool(apps or keys)
