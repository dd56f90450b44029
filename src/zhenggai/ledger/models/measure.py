"""Measures (整改措施) and their milestones (节点)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MeasureKind(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    DEADLINE = "deadline", _("限期整改")
    ONGOING = "ongoing", _("长期坚持")


class MeasureStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    IN_PROGRESS = "in_progress", _("整改中")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("待销号")
    CLOSED = "closed", _("已销号")


class Measure(models.Model):
    """One rectification task under a problem.

    ``inspection`` repeats ``problem.inspection`` so that the unit ledger and the
    scoping filters are one indexed lookup at any data size; services keep the two equal.
    An ``ongoing`` measure that is closed has closed its initial work and keeps taking
    progress updates.
    """

    inspection = models.ForeignKey(
        "ledger.Inspection",
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("巡察"),
    )
    problem = models.ForeignKey(
        "ledger.Problem", on_delete=models.CASCADE, related_name="measures", verbose_name=_("问题")
    )
    position = models.PositiveIntegerField(_("序号"))
    group = models.CharField(_("方面"), max_length=200, blank=True)
    text = models.TextField(_("整改措施"))
    kind = models.CharField(
        _("整改类型"), max_length=20, choices=MeasureKind.choices, default=MeasureKind.DEADLINE
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_measures",
        verbose_name=_("责任领导"),
    )
    lead_department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_measures",
        verbose_name=_("牵头部门"),
    )
    supporting_departments = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="supported_measures",
        verbose_name=_("配合部门"),
    )
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    # The latest approved extension (延期), kept beside the original deadline, which never
    # changes. Maintained by ``zhenggai.supervision.services.extensions`` in the same
    # transaction as the approval, so lists read one column instead of a subquery.
    extended_deadline = models.DateField(_("延期至"), null=True, blank=True)
    # 台账 columns with no workflow meaning, kept so a spreadsheet ledger round-trips.
    goal = models.TextField(_("整改目标"), blank=True, default="", db_default="")
    owner_name = models.CharField(
        _("责任人"), max_length=100, blank=True, default="", db_default=""
    )
    note = models.TextField(_("备注"), blank=True, default="", db_default="")
    status = models.CharField(
        _("状态"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    last_progress_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    reopened_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["problem__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "position"], name="measure_position_unique"),
            models.CheckConstraint(
                condition=Q(status__in=MeasureStatus.values), name="measure_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MeasureKind.values), name="measure_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=MeasureStatus.CLOSED) | Q(closed_at__isnull=False),
                name="measure_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[MeasureStatus.SUBMITTED, MeasureStatus.APPROVED])
                | Q(submitted_by__isnull=False),
                name="measure_submitted_has_submitter",
            ),
        ]
        indexes = [
            models.Index(fields=["inspection", "status"], name="measure_insp_status_idx"),
            models.Index(fields=["inspection", "deadline"], name="measure_insp_deadline_idx"),
            models.Index(fields=["status", "deadline"], name="measure_status_deadline_idx"),
            models.Index(fields=["lead_department", "status"], name="measure_dept_status_idx"),
            models.Index(fields=["responsible_leader", "status"], name="measure_leader_status_idx"),
            # Overdue and near-deadline counts per inspection (office overview, 我的待办) read
            # only open measures, from the index alone: the effective deadline is
            # ``extended_deadline`` or ``deadline``; "id" is what COUNT reads.
            models.Index(
                fields=["inspection", "deadline", "extended_deadline", "id"],
                condition=~Q(status=MeasureStatus.CLOSED),
                name="measure_open_insp_deadline_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_open(self) -> bool:
        return self.status != MeasureStatus.CLOSED


class Milestone(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("节点"), max_length=300)
    due_date = models.DateField(_("节点时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["measure_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "position"], name="milestone_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title
