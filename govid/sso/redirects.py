"""Where a page goes next: the ``next`` parameter, a path on this site only."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.encoding import iri_to_uri
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest) -> str | None:
    """``next`` from the form or the query, if it is a path on this site; anything else
    (another host, or a bare word that redirect() would try to reverse as a view name) is
    ignored."""
    target = request.POST.get("next") or request.GET.get("next")
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return iri_to_uri(target)
    return None
