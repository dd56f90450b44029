"""Light rules (红黄绿灯), one optional row per jurisdiction over the settings' defaults."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    RED = "red", _("红灯")
    YELLOW = "yellow", _("黄灯")
    GREEN = "green", _("绿灯")
    CLOSED = "closed", _("已办结")
    NONE = "none", _("无")


class ItemKind(models.TextChoices):
    """What a light or a reminder is about."""

    MEASURE = "measure", _("整改措施")
    MILESTONE = "milestone", _("节点")
    PLAN = "plan", _("整改方案报送")
    REPORT = "report", _("整改报告报送")
    ORDER = "order", _("督办单")


class LightRule(models.Model):
    jurisdiction = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="light_rule",
        verbose_name=_("管辖机构"),
    )
    green_days = models.PositiveSmallIntegerField(_("绿灯(剩余天数)"), default=20)
    yellow_days = models.PositiveSmallIntegerField(_("黄灯(剩余天数)"), default=10)
    stale_days = models.PositiveSmallIntegerField(_("长期坚持事项未更新天数(黄灯)"), default=30)
    red_repeat_days = models.PositiveSmallIntegerField(_("红灯重复提醒间隔(天)"), default=7)

    class Meta:
        verbose_name = _("红黄绿灯规则")
        verbose_name_plural = _("红黄绿灯规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(yellow_days__lte=F("green_days")), name="lightrule_yellow_le_green"
            ),
            models.CheckConstraint(condition=Q(stale_days__gte=1), name="lightrule_stale_positive"),
            models.CheckConstraint(
                condition=Q(red_repeat_days__gte=1), name="lightrule_repeat_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: {self.green_days}/{self.yellow_days}"
