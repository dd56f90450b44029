"""Follow-up checks (回头看) of closed items, with a recorded seed for 双随机."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowUpResult(models.TextChoices):
    PENDING = "pending", _("待检查")
    PASSED = "passed", _("整改到位")
    FAILED = "failed", _("问题反弹")


class FollowUpCheck(models.Model):
    jurisdiction = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    round = models.ForeignKey(
        "ledger.Round", on_delete=models.PROTECT, related_name="followups", verbose_name=_("轮次")
    )
    title = models.CharField(_("名称"), max_length=200)
    method = models.CharField(_("抽取方式"), max_length=20)  # "random" or "risk"
    sample_size = models.PositiveIntegerField(_("抽取数量"))
    seed = models.BigIntegerField(_("随机种子"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class FollowUpItem(models.Model):
    check_run = models.ForeignKey(FollowUpCheck, on_delete=models.CASCADE, related_name="items")
    measure = models.ForeignKey(
        "ledger.Measure", on_delete=models.CASCADE, related_name="followups"
    )
    risk = models.PositiveSmallIntegerField(_("风险分"), default=0)
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("检查人"),
    )
    result = models.CharField(
        _("结果"), max_length=20, choices=FollowUpResult.choices, default=FollowUpResult.PENDING
    )
    note = models.TextField(_("检查情况"), blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("回头看事项")
        verbose_name_plural = _("回头看事项")
        ordering = ["check_run_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["check_run", "measure"], name="followup_item_unique"),
            models.CheckConstraint(
                condition=Q(result__in=FollowUpResult.values), name="followup_result_valid"
            ),
            models.CheckConstraint(
                condition=Q(result="pending") | ~Q(note=""), name="followup_result_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.check_run_id}:{self.measure_id}"
