"""The one periodic entry point (``zhenggai periodic``): lights, reminders, escalation, hooks.

Run it every few minutes (cron, a systemd timer, or the demo's own loop). Each step is
idempotent: a second run on the same day sends nothing it has already sent.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections import Counter
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus

from zhenggai.supervision.lights import base_queryset, light_counts
from zhenggai.supervision.models import ItemKind
from zhenggai.supervision.services.reminders import pending_ids, plan_deliveries

logger = logging.getLogger(__name__)

#: Other apps' periodic hooks, called when present: (module, function).
HOOKS = [
    ("zhenggai.api.webhooks", "deliver_due"),
    ("zhenggai.audit.copy", "copy_due"),
    ("zhenggai.audit.periodic", "run"),
]
CHUNK = 500


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def run_hooks() -> dict[str, str]:
    done = {}
    for module_name, function in HOOKS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        hook = getattr(module, function, None)
        if hook is None:
            continue
        try:
            result = hook()
        except Exception as exc:  # noqa: BLE001 - one app's failure does not stop the others
            logger.exception("periodic hook %s.%s failed", module_name, function)
            done[f"{module_name}.{function}"] = f"error: {type(exc).__name__}"
        else:
            done[f"{module_name}.{function}"] = "ok" if result is None else str(result)
    return done


def run_periodic(today: dt.date | None = None, *, hooks: bool = True) -> dict[str, Any]:
    from zhenggai.ledger.tally import refresh_all
    from zhenggai.supervision.tasks import escalate_orders_task, send_deliveries_task

    today = today or timezone.localdate()
    # The office's rankings read the overdue counts of the new day (PostgreSQL).
    tallied = refresh_all(today)
    lights = {
        kind.value: light_counts(base_queryset(kind), today, kind)
        for kind in (ItemKind.MEASURE, ItemKind.MILESTONE, ItemKind.PLAN, ItemKind.REPORT)
    }
    escalation = escalate_orders_task.enqueue(today.isoformat())
    escalated = escalation.return_value if escalation.status == TaskResultStatus.SUCCESSFUL else []
    planned = plan_deliveries(today)
    ids = sorted(set(planned) | set(pending_ids()))
    sent: Counter[str] = Counter()
    queued = 0
    for chunk in _chunks(ids):
        result = send_deliveries_task.enqueue(chunk)
        if result.status == TaskResultStatus.SUCCESSFUL:
            sent.update(result.return_value or {})
        else:
            queued += len(chunk)
    return {
        "day": today.isoformat(),
        "tallied_inspections": tallied,
        "lights": lights,
        "reminders_planned": len(planned),
        "reminders_sent": dict(sent),
        "reminders_queued": queued,
        "escalated_orders": escalated or [],
        "hooks": run_hooks() if hooks else {},
    }
