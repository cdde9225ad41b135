"""Roles of staff, the phone-update requests with their lines, history and signed scan."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_OFFICER = "unit_officer", _("Cán bộ đầu mối đơn vị")
    DISTRICT_REVIEWER = "district_reviewer", _("Phòng Văn hóa và Thông tin cấp huyện")
    PROVIDER_ADMIN = "provider_admin", _("Quản trị Trung tâm Công nghệ số")
    AUDITOR = "auditor", _("Kiểm tra viên")


class RoleGrant(models.Model):
    """One role of one login for one unit (and what lies under it); no unit: the province."""

    login = models.CharField(max_length=254, db_index=True)  # the staff's mail address
    role = models.CharField(max_length=32, choices=Role.choices)
    unit_code = models.CharField(max_length=32, blank=True)  # "" = every unit
    granted_at = models.DateTimeField()
    granted_by = models.CharField(max_length=254)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["login", "role", "unit_code"], name="one_grant")
        ]
        ordering = ["login", "role", "unit_code"]
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"

    def __str__(self) -> str:
        return f"{self.login} {self.role} {self.unit_code or '*'}"


class State(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi, chờ huyện xem xét")
    FORWARDED = "forwarded", _("Đã chuyển Trung tâm Công nghệ số")
    APPLIED = "applied", _("Đã cập nhật")
    REJECTED = "rejected", _("Bị từ chối")
    RETURNED = "returned", _("Bị trả lại đơn vị")


class PhoneRequest(models.Model):
    """ "Đề nghị cập nhật số điện thoại / khôi phục mật khẩu" of one unit."""

    unit_code = models.CharField(max_length=32, db_index=True)
    unit_name = models.CharField(max_length=200)  # as it was when filed: the letter's issuer
    filed_by = models.CharField(max_length=254)
    created_at = models.DateTimeField()
    changed_at = models.DateTimeField(db_index=True)  # last transition
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "đề nghị cập nhật số điện thoại"
        verbose_name_plural = "đề nghị cập nhật số điện thoại"

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit_code} {self.state}"

    @property
    def editable(self) -> bool:
        return self.state in (State.DRAFT, State.RETURNED)


class RequestLine(models.Model):
    """One account of a request: its new mobile number and why."""

    request = models.ForeignKey(PhoneRequest, on_delete=models.CASCADE, related_name="lines")
    login = models.CharField(max_length=254)
    name = models.CharField(max_length=200)
    new_phone = models.CharField(max_length=16)  # E.164; shown masked outside the edit form
    reason = models.CharField(max_length=300)
    unlock = models.BooleanField(default=False)  # also unlock the account when applied

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "login"], name="one_line_per_account")
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.login


class Transition(models.Model):
    """Who moved the request, when, from which state to which, and what they said."""

    request = models.ForeignKey(PhoneRequest, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField()
    actor = models.CharField(max_length=254)
    from_state = models.CharField(max_length=16, choices=State.choices)
    to_state = models.CharField(max_length=16, choices=State.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"


class Scan(models.Model):
    """The signed letter, scanned to PDF; kept in the database so every instance serves it."""

    request = models.OneToOneField(PhoneRequest, on_delete=models.CASCADE, related_name="scan")
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.CharField(max_length=254)

    def __str__(self) -> str:
        return f"scan of #{self.request_id}"


class ImportUpload(models.Model):
    """A file of accounts waiting between its preview and its application."""

    uploaded_by = models.CharField(max_length=254)
    uploaded_at = models.DateTimeField()
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.filename
