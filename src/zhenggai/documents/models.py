"""Generated reports (stored snapshots) and the public's feedback on published ones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    UNIT = "unit", _("整改进展情况通报")
    ROUND = "round", _("轮次整改情况汇总")


class Report(models.Model):
    """One generated report, frozen: its composed content and the ledger state it came from.

    ``content`` is the composed document (``zhenggai.report/1``) and renders the same in
    every format at any later time; ``public_content`` leaves out the problems not
    marked public. ``ledger_hash`` is a SHA-256 over the ledger rows the report was
    composed from and ``audit_head`` the audit chain's head at that moment, so anyone
    can tell whether the ledger has changed since. At most one version per inspection
    is published at a time.
    """

    kind = models.CharField(_("类型"), max_length=10, choices=ReportKind.choices)
    round = models.ForeignKey(
        "ledger.Round", on_delete=models.PROTECT, related_name="reports", verbose_name=_("轮次")
    )
    inspection = models.ForeignKey(
        "ledger.Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("巡察"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("单位"),
    )
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=300)
    report_date = models.DateField(_("成文日期"))
    content = models.JSONField(_("内容"))
    public_content = models.JSONField(_("公开内容"), null=True, blank=True)
    figures = models.JSONField(_("统计数据"), default=dict)
    ledger_hash = models.CharField(_("台账指纹"), max_length=64)
    audit_head = models.CharField(_("审计链头"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成人"),
    )
    created_at = models.DateTimeField(_("生成时间"))
    is_published = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公开人"),
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportKind.ROUND) | Q(inspection__isnull=False),
                name="report_unit_has_inspection",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False)
                | (Q(kind=ReportKind.UNIT) & Q(published_at__isnull=False)),
                name="report_published_is_unit_with_time",
            ),
            models.UniqueConstraint(
                fields=["inspection", "version"],
                condition=Q(kind=ReportKind.UNIT),
                name="report_unit_version_unique",
            ),
            models.UniqueConstraint(
                fields=["round", "version"],
                condition=Q(kind=ReportKind.ROUND),
                name="report_round_version_unique",
            ),
            models.UniqueConstraint(
                fields=["inspection"],
                condition=Q(is_published=True),
                name="report_one_published_per_inspection",
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "-published_at"], name="report_published_idx")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("待答复")
    ANSWERED = "answered", _("已答复")


class Feedback(models.Model):
    """A message from the public on a published report (意见建议), for the unit to answer.

    The sender's network address is kept only as ``sender_key``, a keyed hash used to
    limit the rate of messages; ``name`` and ``contact`` are optional and shown only to
    the unit's coordinator and secretary.
    """

    receipt = models.CharField(_("回执编号"), max_length=24, unique=True)
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("报告")
    )
    inspection = models.ForeignKey(
        "ledger.Inspection",
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("巡察"),
    )
    unit = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("单位"),
    )
    message = models.TextField(_("意见建议"))
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    sender_key = models.CharField(max_length=64, db_index=True)
    challenge_nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(_("提交时间"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FeedbackStatus.values), name="feedback_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=FeedbackStatus.ANSWERED)
                | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="feedback_answered_has_answer",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="feedback_unit_status_idx")]

    def __str__(self) -> str:
        return self.receipt
