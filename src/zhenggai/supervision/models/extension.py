"""Extension requests (延期申请): the original deadline never changes (DESIGN §4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


class ExtensionRequest(models.Model):
    measure = models.ForeignKey(
        "ledger.Measure",
        on_delete=models.CASCADE,
        related_name="extension_requests",
        verbose_name=_("整改措施"),
    )
    #: The deadline in force when asked (original or an earlier approved extension).
    current_deadline = models.DateField(_("原完成时限"))
    requested_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请人"),
    )
    requested_at = models.DateTimeField(_("申请时间"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExtensionStatus.values), name="extension_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(requested_deadline__gt=F("current_deadline")),
                name="extension_later_than_current",
            ),
            # One open request per measure at a time.
            models.UniqueConstraint(
                fields=["measure"], condition=Q(status="pending"), name="extension_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "withdrawn"]) | Q(decided_by__isnull=False),
                name="extension_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=F("requested_by")) | Q(decided_by__isnull=True),
                name="extension_not_own_request",
            ),
        ]
        indexes = [models.Index(fields=["measure", "status"], name="extension_measure_idx")]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.current_deadline} → {self.requested_deadline}"
