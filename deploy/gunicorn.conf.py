"""gunicorn settings for `make run` and production (GOVID_* variables override)."""

import os

bind = os.environ.get("GOVID_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# One process by default: the embedded default keeps counters in local memory. Production
# (Redis cache) sets GOVID_WORKERS to the core count.
workers = int(os.environ.get("GOVID_WORKERS", "1"))
# Argon2 releases the GIL, so threads share the cores; slow phones hold a thread each.
worker_class = "gthread"
threads = int(os.environ.get("GOVID_THREADS", "8"))
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("GOVID_ACCESS_LOG", "-")
# The path without its query string: OIDC redirects carry authorization codes and ID tokens there.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
