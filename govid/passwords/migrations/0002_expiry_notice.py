from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("passwords", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExpiryNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("login", models.CharField(max_length=254)),
                ("expires_at", models.DateTimeField()),
                ("sent_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "nhắc mật khẩu hết hạn",
                "verbose_name_plural": "nhắc mật khẩu hết hạn",
                "constraints": [
                    models.UniqueConstraint(fields=("login", "expires_at"), name="one_notice_per_expiry")
                ],
            },
        ),
    ]
