"""Flags raised by the quality rules on a ledger, and the stored MinHash bands of measure texts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai.quality.engine import Severity


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DISMISSED = "dismissed", _("已排除")


class Flag(models.Model):
    """One finding of one rule on one inspection's ledger, kept across re-runs by its fingerprint.

    ``problem``/``measure`` anchor the flag (both empty for a report-wide finding);
    ``involved`` holds every measure of this inspection the flag concerns (the anchor and
    the internal ``related`` ones), so that a measure's page finds the flags about it.
    ``related`` lists the other problems and measures as JSON (with ids, and the unit and
    year for those of other inspections); ``spans`` the quoted text or files it rests on.
    A flag that a later run no longer finds is deleted if open, and kept with
    ``is_current`` false if dismissed, so the dismissal returns if the finding does.
    """

    inspection = models.ForeignKey(
        "ledger.Inspection",
        on_delete=models.CASCADE,
        related_name="quality_flags",
        verbose_name=_("巡察"),
    )
    problem = models.ForeignKey(
        "ledger.Problem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quality_flags",
        verbose_name=_("问题"),
    )
    measure = models.ForeignKey(
        "ledger.Measure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quality_flags",
        verbose_name=_("整改措施"),
    )
    involved = models.ManyToManyField(
        "ledger.Measure",
        blank=True,
        related_name="quality_flags_involving",
        verbose_name=_("涉及措施"),
    )
    rule = models.CharField(_("规则"), max_length=50)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    message = models.TextField(_("说明"))
    related = models.JSONField(_("相关问题或措施"), default=list, blank=True)
    spans = models.JSONField(_("依据"), default=list)
    position = models.PositiveIntegerField(_("排序"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("排除人"),
    )
    dismissed_at = models.DateTimeField(_("排除时间"), null=True, blank=True)
    dismiss_reason = models.TextField(_("排除理由"), blank=True)
    fingerprint = models.CharField(max_length=64)
    is_current = models.BooleanField(_("最近一次检查仍发现"), default=True)
    first_seen_at = models.DateTimeField(_("首次发现"))
    last_seen_at = models.DateTimeField(_("最近发现"))

    class Meta:
        verbose_name = _("体检提示")
        verbose_name_plural = _("体检提示")
        ordering = ["inspection_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "fingerprint"], name="quality_flag_fingerprint_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FlagStatus.values), name="quality_flag_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="quality_flag_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=FlagStatus.OPEN)
                | (
                    Q(dismissed_by__isnull=False)
                    & Q(dismissed_at__isnull=False)
                    & ~Q(dismiss_reason="")
                ),
                name="quality_flag_dismissal_complete",
            ),
            models.CheckConstraint(
                condition=Q(measure__isnull=True) | Q(problem__isnull=False),
                name="quality_flag_measure_has_problem",
            ),
        ]
        indexes = [
            models.Index(
                fields=["inspection", "is_current", "status"], name="quality_flag_insp_idx"
            ),
            models.Index(fields=["measure", "is_current"], name="quality_flag_measure_idx"),
            models.Index(fields=["problem", "is_current"], name="quality_flag_problem_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.message[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status == FlagStatus.OPEN


class MeasureSignature(models.Model):
    """The MinHash of a measure's text as of ``digest``; band keys are :class:`MeasureBand` rows."""

    measure = models.OneToOneField(
        "ledger.Measure",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="quality_signature",
    )
    inspection = models.ForeignKey("ledger.Inspection", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("措施文字指纹")
        verbose_name_plural = _("措施文字指纹")

    def __str__(self) -> str:
        return f"{self.measure_id}:{self.digest[:12]}"


class MeasureBand(models.Model):
    """One LSH band key of a measure: measures sharing a key are near-duplicate candidates."""

    measure = models.ForeignKey("ledger.Measure", on_delete=models.CASCADE, related_name="+")
    inspection = models.ForeignKey("ledger.Inspection", on_delete=models.CASCADE, related_name="+")
    bucket = models.BigIntegerField()

    class Meta:
        verbose_name = _("措施文字分段键")
        verbose_name_plural = _("措施文字分段键")
        indexes = [models.Index(fields=["bucket"], name="quality_band_bucket_idx")]

    def __str__(self) -> str:
        return f"{self.measure_id}:{self.bucket}"
