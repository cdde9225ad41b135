import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sso", "0005_sign_ins_and_visits"),
    ]

    operations = [
        migrations.AddField(
            model_name="relyingparty",
            name="backchannel_logout_uri",
            field=models.URLField(
                blank=True, max_length=500, verbose_name="địa chỉ đăng xuất kênh sau"
            ),
        ),
        migrations.AddField(
            model_name="relyingparty",
            name="frontchannel_logout_uri",
            field=models.URLField(
                blank=True, max_length=500, verbose_name="địa chỉ đăng xuất kênh trước"
            ),
        ),
        migrations.CreateModel(
            name="TokenSignIn",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=80, unique=True)),
                ("sid", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name="CasService",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(max_length=200, unique=True, verbose_name="tên hệ thống"),
                ),
                (
                    "service_url",
                    models.URLField(
                        max_length=500, unique=True, verbose_name="tiền tố địa chỉ dịch vụ"
                    ),
                ),
                (
                    "single_logout",
                    models.BooleanField(default=False, verbose_name="đăng xuất đồng thời"),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="ngày đăng ký"),
                ),
            ],
            options={"verbose_name": "hệ thống CAS", "verbose_name_plural": "hệ thống CAS"},
        ),
        migrations.CreateModel(
            name="ServiceTicket",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ticket_hash", models.CharField(max_length=64, unique=True)),
                ("service_url", models.CharField(max_length=2000)),
                ("sid", models.CharField(max_length=64)),
                ("login", models.CharField(max_length=254)),
                ("primary", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField(db_index=True)),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sso.casservice",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SystemTile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("protocol", models.CharField(max_length=8, verbose_name="giao thức")),
                ("party", models.CharField(max_length=500, verbose_name="hệ thống")),
                ("name", models.CharField(max_length=200, verbose_name="tên hiển thị")),
                ("description", models.CharField(blank=True, max_length=300, verbose_name="mô tả")),
                (
                    "icon",
                    models.CharField(default="he-thong", max_length=20, verbose_name="biểu tượng"),
                ),
                ("start_url", models.URLField(max_length=500, verbose_name="địa chỉ mở")),
                (
                    "units",
                    models.CharField(blank=True, max_length=500, verbose_name="đơn vị được dùng"),
                ),
                ("position", models.PositiveIntegerField(default=100, verbose_name="thứ tự")),
            ],
            options={
                "verbose_name": "ô hệ thống",
                "verbose_name_plural": "ô hệ thống",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("protocol", "party"), name="sso_tile_one_per_party"
                    )
                ],
            },
        ),
    ]
