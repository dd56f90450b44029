"""Problems from the inspection feedback (反馈问题)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    """Derived from the problem's measures.

    See :func:`ledger.services.status.derive_problem_status`.
    """

    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("整改中")
    PARTIAL = "partial", _("阶段性完成")
    DONE = "done", _("已完成")


class Problem(models.Model):
    inspection = models.ForeignKey(
        "ledger.Inspection",
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name=_("巡察"),
    )
    category = models.ForeignKey(
        "ledger.Category",
        on_delete=models.PROTECT,
        related_name="problems",
        verbose_name=_("类别"),
    )
    number = models.CharField(_("序号"), max_length=10)
    position = models.PositiveIntegerField(_("排序"))
    text = models.TextField(_("问题表现"))
    stated_planned = models.PositiveIntegerField(_("报告所称措施数"), null=True, blank=True)
    stated_done = models.PositiveIntegerField(_("报告所称已落实数"), null=True, blank=True)
    stated_text = models.TextField(_("报告所称整改情况"), blank=True)
    status = models.CharField(
        _("整改状态"),
        max_length=20,
        choices=ProblemStatus.choices,
        default=ProblemStatus.NOT_STARTED,
        db_index=True,
    )
    is_public = models.BooleanField(_("可公开"), default=True)
    # 反弹: a follow-up check (回头看) found the problem not fixed after closure. Set by
    # ``zhenggai.supervision.services.followup``.
    rebound = models.BooleanField(_("反弹"), default=False, db_default=False)
    rebound_on = models.DateField(_("反弹日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["inspection_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "position"], name="problem_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProblemStatus.values), name="problem_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(stated_done__isnull=True)
                | Q(stated_planned__isnull=True)
                | Q(stated_done__lte=F("stated_planned")),
                name="problem_stated_done_le_planned",
            ),
        ]
        indexes = [models.Index(fields=["inspection", "status"], name="problem_insp_status_idx")]

    def __str__(self) -> str:
        return f"({self.number}) {self.text[:40]}"
