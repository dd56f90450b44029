"""Running the checks on a ledger and dismissing flags: the writes of the quality app.

Both run in one transaction and write the audit log. Reading flags is in
:mod:`zhenggai.quality.selectors`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhenggai.accounts.models import Role
from zhenggai.accounts.permissions import Action, can_on_inspection, scope_of
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError
from zhenggai.documents.readers import ParsedReport, read_report
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.services.common import now_or
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.quality.database import DatabaseLookup, index_inspection, subject_for
from zhenggai.quality.engine import CheckContext, Finding, run_rules
from zhenggai.quality.models import Flag, FlagStatus
from zhenggai.quality.subject import from_report

#: Unit roles that may dismiss a flag (with a reason).
DISMISSING_ROLES = frozenset({Role.SECRETARY, Role.LEADER, Role.COORDINATOR})


def check_report(report: ParsedReport, *, name: str = "") -> list[Finding]:
    """The findings on a report read from a file, without the database (import preview, CLI).

    Rules that need statuses or files (``evidence_gap``) do not apply to a report.
    """
    return run_rules(from_report(report, name=name))


def check_file(path: Path) -> list[Finding]:
    """:func:`check_report` on a report file; raises ``ReportReadError`` if it cannot be read."""
    return check_report(read_report(path), name=path.name)


def _involved(finding: Finding) -> set[int]:
    ids = {ref.measure_id for ref in finding.related if not ref.external and ref.measure_id}
    if finding.measure_id:
        ids.add(finding.measure_id)
    return {i for i in ids if i is not None}


@transaction.atomic
def run_checks(
    inspection: Inspection, *, actor: Any = None, now: dt.datetime | None = None
) -> list[Flag]:
    """Run every rule on the inspection's ledger and store the findings as flags.

    Idempotent: a finding already flagged (same fingerprint) updates its flag and keeps
    its status, so a dismissal survives re-runs. Open flags no longer found are deleted;
    dismissed ones are kept with ``is_current`` false. The measures' MinHash bands are
    refreshed first, so other inspections' runs find this one's texts. ``actor``, when
    given, must see the inspection. Writes a ``quality.checked`` audit entry.
    Returns the current flags in display order.
    """
    if actor is not None and not can_on_inspection(actor, Action.VIEW, inspection):
        raise PermissionRefused(
            _("您无权检查该单位的整改台账。"), "Not allowed to check this ledger."
        )
    moment = now_or(now)
    index_inspection(inspection)
    findings = run_rules(subject_for(inspection), CheckContext(external=DatabaseLookup(inspection)))
    existing = {
        f.fingerprint: f for f in Flag.objects.select_for_update().filter(inspection=inspection)
    }
    seen: set[str] = set()
    created = 0
    for position, finding in enumerate(findings):
        fingerprint = finding.fingerprint
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        values = {
            "rule": finding.rule,
            "severity": finding.severity,
            "message": finding.message,
            "related": [ref.to_json() for ref in finding.related],
            "spans": [span.to_json() for span in finding.spans],
            "position": position,
            "problem_id": finding.problem_id,
            "measure_id": finding.measure_id,
            "is_current": True,
            "last_seen_at": moment,
        }
        flag = existing.get(fingerprint)
        if flag is None:
            flag = Flag.objects.create(
                inspection=inspection, fingerprint=fingerprint, first_seen_at=moment, **values
            )
            created += 1
        else:
            for name, value in values.items():
                setattr(flag, name, value)
            flag.save(update_fields=list(values))
        flag.involved.set(_involved(finding))
    stale = [flag for fingerprint, flag in existing.items() if fingerprint not in seen]
    removed = [f.pk for f in stale if f.status == FlagStatus.OPEN]
    Flag.objects.filter(pk__in=removed).delete()
    Flag.objects.filter(pk__in=[f.pk for f in stale if f.pk not in removed]).update(
        is_current=False
    )
    record(
        "quality.checked",
        actor=actor,
        obj=inspection,
        organisation_id=inspection.unit_id,
        after={
            "flags": len(seen),
            "new": created,
            "removed": len(removed),
            "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
        },
    )
    return list(
        Flag.objects.filter(inspection=inspection, is_current=True).select_related(
            "problem", "measure"
        )
    )


def can_dismiss_flag(user: Any, flag: Flag) -> bool:
    """The unit's secretary, leaders and coordinators may dismiss its flags."""
    roles = scope_of(user).unit_roles.get(flag.inspection.unit_id, set())
    return bool(roles & DISMISSING_ROLES)


@transaction.atomic
def dismiss_flag(flag: Flag, actor: Any, reason: str, *, now: dt.datetime | None = None) -> Flag:
    """Mark an open flag as not a problem, with a reason; it stays visible as dismissed.

    Only the unit's secretary, leader or coordinator may; the reason is required.
    Writes a ``quality.flag_dismissed`` audit entry with the rule and the reason.
    """
    flag = Flag.objects.select_for_update().select_related("inspection").get(pk=flag.pk)
    if not can_dismiss_flag(actor, flag):
        raise PermissionRefused(
            _("只有本单位主要负责人、分管领导或整改办可以排除体检提示。"),
            "Only the unit's secretary, leaders or coordinator may dismiss a flag.",
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("排除提示时必须填写理由。"), "A reason is required.", field="reason")
    if flag.status != FlagStatus.OPEN:
        raise DomainError(_("该提示已被排除。"), "The flag is already dismissed.")
    flag.status = FlagStatus.DISMISSED
    flag.dismissed_by = actor
    flag.dismissed_at = now_or(now)
    flag.dismiss_reason = reason
    flag.save(update_fields=["status", "dismissed_by", "dismissed_at", "dismiss_reason"])
    record(
        "quality.flag_dismissed",
        actor=actor,
        obj=flag,
        organisation_id=flag.inspection.unit_id,
        before={"status": FlagStatus.OPEN.value},
        after={
            "status": FlagStatus.DISMISSED.value,
            "rule": flag.rule,
            "reason": reason,
            "problem": flag.problem_id,
            "measure": flag.measure_id,
        },
    )
    return flag
