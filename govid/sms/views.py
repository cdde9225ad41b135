"""Delivery reports called back by gateways (not pages: short plain-text answers)."""

from __future__ import annotations

import re
import uuid

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from govid.sms import tracking
from govid.sms.reports import KANNEL_TYPES, token_matches


@csrf_exempt  # a gateway calls it; the per-message token authenticates it
@never_cache
@require_http_methods(["GET", "POST"])
def kannel_report(request: HttpRequest, ref: uuid.UUID, token: str) -> HttpResponse:
    """Kannel's dlr-url: ``?type=%d&answer=%A`` for the message ``ref``."""
    if not token_matches(str(ref), token):
        return HttpResponse("bad token\n", status=403, content_type="text/plain")
    kind = request.GET.get("type", "")
    state = KANNEL_TYPES.get(kind)
    if state is None:
        if kind.isdigit():
            return HttpResponse("ignored\n", content_type="text/plain")
        return HttpResponse("bad type\n", status=400, content_type="text/plain")
    # The SMSC's answer is kept as the reason of a failure; digits that could be a code or a
    # number do not go with it.
    answer = re.sub(r"\b\d{6,}\b", "***", request.GET.get("answer", "")[:200])
    # The report may overtake the worker that is recording the message as sent.
    if not tracking.apply_report(state, ref=str(ref), detail=answer, patience=3.0):
        return HttpResponse("unknown message\n", status=404, content_type="text/plain")
    return HttpResponse("OK\n", content_type="text/plain")
