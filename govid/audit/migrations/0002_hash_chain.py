"""Chain the audit log: every row gets its seq, the previous row's hash and its own hash."""

import hashlib
import json
from datetime import UTC

from django.db import migrations, models

GENESIS = "0" * 64


def _hash(event, prev):
    content = [
        event.seq,
        event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.action,
        event.actor,
        event.subject,
        event.ip or "",
        event.data,
        prev,
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_existing_rows(apps, schema_editor):
    Event = apps.get_model("audit", "Event")
    ChainHead = apps.get_model("audit", "ChainHead")
    prev, seq = GENESIS, 0
    for event in Event.objects.order_by("at", "id"):
        seq += 1
        event.seq = seq
        event.prev_hash = prev
        event.hash = _hash(event, prev)
        Event.objects.filter(pk=event.pk).update(
            seq=event.seq, prev_hash=event.prev_hash, hash=event.hash
        )
        prev = event.hash
    ChainHead.objects.create(pk=1, seq=seq, hash=prev)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(default=GENESIS, max_length=64)),
            ],
            options={"verbose_name": "đầu chuỗi nhật ký"},
        ),
        migrations.AddField(
            model_name="event", name="seq", field=models.PositiveBigIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="event", name="prev_hash", field=models.CharField(default="", max_length=64)
        ),
        migrations.AddField(
            model_name="event", name="hash", field=models.CharField(default="", max_length=64)
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event", name="seq", field=models.PositiveBigIntegerField(unique=True)
        ),
        migrations.AlterField(
            model_name="event", name="prev_hash", field=models.CharField(max_length=64)
        ),
        migrations.AlterField(
            model_name="event", name="hash", field=models.CharField(max_length=64)
        ),
        migrations.AlterModelOptions(
            name="event",
            options={"ordering": ["-seq"], "verbose_name": "sự kiện nhật ký", "verbose_name_plural": "nhật ký"},
        ),
    ]
