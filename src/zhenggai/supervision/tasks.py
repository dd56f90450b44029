"""Background tasks (django-tasks). They take ids and dates, never model instances."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from zhenggai.supervision.notify.dispatch import send_deliveries


@task()
def send_deliveries_task(delivery_ids: list[int]) -> dict[str, int]:
    return send_deliveries(delivery_ids)


@task()
def escalate_orders_task(day: str) -> list[int]:
    from zhenggai.supervision.services.orders import escalate_due

    return escalate_due(dt.date.fromisoformat(day))
