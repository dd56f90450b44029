"""Materialised per-inspection counts for the office's rankings (PostgreSQL).

The office's "most overdue units first" ranks every inspection of a province (10,000 and
more) by its overdue measures. Counted live, that reads every overdue measure of the
province on each request; the tally keeps the count per inspection instead.

A count of overdue measures depends on the day as well as on the data, so each row says
which day it counts for (``as_of``). Database triggers on the measure table recount an
inspection whenever one of its measures is inserted, deleted or changes status, deadline
or extension — whatever writes it (services, imports, bulk updates, SQL) — in the
writer's transaction and under a lock on the tally row (:mod:`zhenggai.ledger.tally`);
``zhenggai periodic`` recounts every inspection for the new day. Readers use the tally
only when every row is of the day they ask about (``web.queries.MostOverdue``);
otherwise they count live.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionTally(models.Model):
    inspection = models.OneToOneField(
        "ledger.Inspection",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="tally",
        verbose_name=_("巡察"),
    )
    overdue = models.PositiveIntegerField(_("逾期措施数"), default=0)
    as_of = models.DateField(_("统计日期"), db_index=True)

    class Meta:
        verbose_name = _("巡察统计")
        verbose_name_plural = _("巡察统计")

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.overdue} @ {self.as_of}"
