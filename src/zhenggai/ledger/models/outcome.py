"""Outcomes of rectification: accountability, institutions and recovered funds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountabilityForm(models.TextChoices):
    REMINDER = "reminder", _("提醒谈话")
    CRITICISM = "criticism", _("批评教育")
    ADMONISHMENT = "admonishment", _("诫勉")
    ORGANISATIONAL = "organisational", _("组织处理")
    PARTY_DISCIPLINE = "party_discipline", _("党纪处分")
    GOVERNMENT_DISCIPLINE = "government_discipline", _("政务处分")


class Accountability(models.Model):
    inspection = models.ForeignKey(
        "ledger.Inspection", on_delete=models.CASCADE, related_name="accountabilities"
    )
    problem = models.ForeignKey(
        "ledger.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accountabilities",
    )
    form = models.CharField(_("问责方式"), max_length=30, choices=AccountabilityForm.choices)
    people = models.PositiveIntegerField(_("人次"), default=1)
    description = models.TextField(_("情况说明"), blank=True)
    decided_on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("问责")
        verbose_name_plural = _("问责")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people__gte=1), name="accountability_people_positive"
            ),
            models.CheckConstraint(
                condition=Q(form__in=AccountabilityForm.values), name="accountability_form_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.people}"


class InstitutionKind(models.TextChoices):
    NEW = "new", _("新建")
    REVISED = "revised", _("修订")


class Institution(models.Model):
    inspection = models.ForeignKey(
        "ledger.Inspection", on_delete=models.CASCADE, related_name="institutions"
    )
    problem = models.ForeignKey(
        "ledger.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="institutions",
    )
    title = models.CharField(_("制度名称"), max_length=300)
    kind = models.CharField(
        _("类型"), max_length=10, choices=InstitutionKind.choices, default=InstitutionKind.NEW
    )
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("建章立制")
        verbose_name_plural = _("建章立制")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=InstitutionKind.values), name="institution_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["inspection", "title"], name="institution_title_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Recovery(models.Model):
    inspection = models.ForeignKey(
        "ledger.Inspection", on_delete=models.CASCADE, related_name="recoveries"
    )
    problem = models.ForeignKey(
        "ledger.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recoveries",
    )
    amount_yuan = models.DecimalField(_("金额(元)"), max_digits=16, decimal_places=2)
    description = models.TextField(_("情况说明"))
    recorded_on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("追缴挽回资金")
        verbose_name_plural = _("追缴挽回资金")
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="recovery_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_yuan} 元"
