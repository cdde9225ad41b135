import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govid.settings")
application = get_wsgi_application()

# The embedded default sends SMS from a worker thread in each web process (after the server's
# fork, as this module is imported by each worker); GOVID_TASKS_WORKER=external turns it off.
from govid.tasks.worker import start_inprocess_worker  # noqa: E402

start_inprocess_worker()

# Said once at start, not an error: without an SMTP server, security notices go by SMS only.
from govid.sso.notices.mail import say_if_email_off  # noqa: E402

say_if_email_off()
