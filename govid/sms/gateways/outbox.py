"""OutboxGateway: each message becomes one JSON line in a file (demos and tests read it)."""

from __future__ import annotations

import fcntl
import json
import os
import sys
import uuid
from pathlib import Path

from govid import clock
from govid.sms.base import SmsError, SmsGateway
from govid.sms.conf import sms_settings


class OutboxGateway(SmsGateway):
    def __init__(self, path: str | None = None, echo: bool | None = None) -> None:
        conf = sms_settings()
        self.path = Path(path or conf.outbox)
        self.echo = conf.echo if echo is None else echo

    def check(self) -> None:
        directory = self.path.parent
        if not (directory.is_dir() and os.access(directory, os.W_OK)):
            raise SmsError(f"outbox directory {directory} is not writable")

    def send(self, to: str, text: str, *, ref: str = "") -> str:
        message_id = ref or uuid.uuid4().hex
        line = json.dumps(
            {"to": to, "text": text, "sent_at": clock.now().isoformat(), "id": message_id},
            ensure_ascii=False,
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as outbox:
                # Several processes may append at once: one whole line each.
                fcntl.flock(outbox, fcntl.LOCK_EX)
                outbox.write(line + "\n")
        except OSError as error:
            raise SmsError(f"outbox not writable: {error.strerror}") from error
        if self.echo:
            # The demo's phone: shown on the console on purpose, never sent to the log.
            print(f"[SMS to {to}] {text}", file=sys.stdout, flush=True)
        return message_id
