"""Rounds, inspections of units, and the categories of their problems."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    XUNCHA = "xuncha", _("巡察")
    XUNSHI = "xunshi", _("巡视")
    AUDIT = "audit", _("审计")


class Round(models.Model):
    """A 巡察轮次: one campaign of an inspection office over several units."""

    jurisdiction = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("巡察机构"),
    )
    name = models.CharField(_("轮次名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(
        _("类型"), max_length=10, choices=InspectionKind.choices, default=InspectionKind.XUNCHA
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("巡察轮次")
        verbose_name_plural = _("巡察轮次")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="round_name_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=InspectionKind.values), name="round_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """One inspection of one unit, with its feedback and its rectification deadlines."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("轮次")
    )
    unit = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("被巡察单位"),
    )
    unit_name = models.CharField(_("被巡察党组织"), max_length=200)
    team = models.CharField(_("巡察组"), max_length=100)
    period_start = models.DateField(_("巡察开始"))
    period_end = models.DateField(_("巡察结束"))
    feedback_date = models.DateField(_("反馈日期"))
    plan_due = models.DateField(_("整改方案报送期限"))
    report_due = models.DateField(_("整改报告报送期限"))
    report_date = models.DateField(_("整改报告日期"), null=True, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    organisation_text = models.TextField(_("整改工作组织情况"), blank=True)
    next_steps_text = models.TextField(_("下一步计划"), blank=True)
    contact = models.JSONField(_("联系方式"), default=dict, blank=True)
    plan_approved_at = models.DateTimeField(_("方案审批时间"), null=True, blank=True)
    plan_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_name = models.CharField(_("导入来源"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("巡察")
        verbose_name_plural = _("巡察")
        ordering = ["-feedback_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="inspection_once_per_round"),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="inspection_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(feedback_date__gte=F("period_start")),
                name="inspection_feedback_after_start",
            ),
            models.CheckConstraint(
                condition=Q(plan_due__gte=F("feedback_date")), name="inspection_plan_after_feedback"
            ),
            models.CheckConstraint(
                condition=Q(report_due__gte=F("feedback_date")),
                name="inspection_report_after_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} → {self.unit_name}"


class Category(models.Model):
    """A 方面/类别 grouping problems, numbered as in the feedback."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="categories", verbose_name=_("巡察")
    )
    number = models.CharField(_("序号"), max_length=10)
    position = models.PositiveIntegerField(_("排序"))
    title = models.TextField(_("类别"))

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["inspection_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "position"], name="category_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
