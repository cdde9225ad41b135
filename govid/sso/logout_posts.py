"""Server-to-server logout messages (OIDC back-channel, CAS single logout): one POST, and when
to try again."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from govid.sso.conf import sso_settings


def post_form(url: str, fields: dict[str, str]) -> tuple[int, str]:
    """POST ``fields`` as a form to ``url``: (HTTP status or 0, a short reason for the log)."""
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(  # noqa: S310  (an administrator registered the address)
        url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    timeout = sso_settings().backchannel_timeout.total_seconds()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.status, f"HTTP {answer.status}"
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (OSError, ValueError) as error:
        return 0, type(error).__name__


def retry_wait(attempt: int) -> timedelta | None:
    """How long to wait after failed ``attempt`` (1, 2, ...), or None when it was the last."""
    conf = sso_settings()
    if attempt >= conf.backchannel_attempts:
        return None
    return conf.backchannel_retry * (1 << (attempt - 1))
