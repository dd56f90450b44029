"""Progress updates, evidence files and reviews of a measure."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ProgressUpdate(models.Model):
    measure = models.ForeignKey(
        "ledger.Measure", on_delete=models.CASCADE, related_name="progress_updates"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("进展情况"))
    is_completion_claim = models.BooleanField(_("申请销号"), default=False)
    created_at = models.DateTimeField(_("报送时间"), db_index=True)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["measure", "-created_at"], name="progress_measure_idx")]

    def __str__(self) -> str:
        return self.text[:40]


def evidence_path(instance: Evidence, filename: str) -> str:
    """Files are stored under generated names; the user's file name is only metadata."""
    return f"evidence/{instance.uuid.hex[:2]}/{instance.uuid.hex}"


class Evidence(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    measure = models.ForeignKey("ledger.Measure", on_delete=models.CASCADE, related_name="evidence")
    progress = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="evidence", null=True, blank=True
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_name


class ReviewStage(models.TextChoices):
    LEADER = "leader", _("分管领导审核")
    CLOSURE = "closure", _("主要负责人销号")
    REOPEN = "reopen", _("重新打开")


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("通过")
    RETURNED = "returned", _("退回")
    REOPENED = "reopened", _("重新打开")


class Review(models.Model):
    measure = models.ForeignKey("ledger.Measure", on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(_("环节"), max_length=20, choices=ReviewStage.choices)
    decision = models.CharField(_("结论"), max_length=20, choices=ReviewDecision.choices)
    reason = models.TextField(_("意见"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("审核")
        verbose_name_plural = _("审核")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Nobody reviews their own submission.
            models.CheckConstraint(
                condition=Q(submitter__isnull=True) | ~Q(reviewer=F("submitter")),
                name="review_not_own_submission",
            ),
            models.CheckConstraint(
                condition=Q(decision=ReviewDecision.APPROVED) | ~Q(reason=""),
                name="review_return_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=ReviewStage.values), name="review_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=ReviewDecision.values), name="review_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_decision_display()}"
