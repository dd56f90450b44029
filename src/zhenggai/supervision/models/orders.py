"""Supervision orders (督办单) and their numbered escalation notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("已下发")
    ANSWERED = "answered", _("已反馈")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已办结")


class OrderCounter(models.Model):
    """The last number used in a jurisdiction's 督〔year〕N号 series."""

    jurisdiction = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="ordercounter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.year}: {self.last}"


class SupervisionOrder(models.Model):
    jurisdiction = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("督办机关"),
    )
    inspection = models.ForeignKey(
        "ledger.Inspection",
        on_delete=models.PROTECT,
        related_name="supervision_orders",
        verbose_name=_("巡察"),
    )
    unit = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="supervision_orders",
        verbose_name=_("被督办单位"),
    )
    number = models.CharField(_("编号"), max_length=50)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    subject = models.CharField(_("督办事项"), max_length=300)
    requirement = models.TextField(_("督办要求"), blank=True)
    measures = models.ManyToManyField("ledger.Measure", related_name="supervision_orders")
    due_date = models.DateField(_("办理时限"))
    status = models.CharField(
        _("状态"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.ISSUED
    )
    step = models.PositiveSmallIntegerField(_("督办层级"), default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("下发时间"))
    answer = models.TextField(_("办理情况"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("审核意见"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "sequence"], name="order_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="order_status_due_idx")]

    def __str__(self) -> str:
        return self.number


class OrderNotice(models.Model):
    """One escalation step of an order: a numbered document addressed to one level."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="notices")
    step = models.PositiveSmallIntegerField(_("层级"))
    kind = models.CharField(_("文书"), max_length=30)
    title = models.CharField(_("文书名称"), max_length=50)
    level = models.CharField(_("送达层级"), max_length=20)
    number = models.CharField(_("编号"), max_length=50)
    sequence = models.PositiveIntegerField()
    addressees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    issued_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("督办文书")
        verbose_name_plural = _("督办文书")
        ordering = ["order_id", "step"]
        constraints = [
            models.UniqueConstraint(fields=["order", "step"], name="notice_once_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"
