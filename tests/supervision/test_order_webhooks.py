"""Webhook events fire from the services, so the pages emit them as the API does."""

from __future__ import annotations

import datetime as dt

from zhenggai.api.endpoints import create_endpoint
from zhenggai.api.models import WebhookDelivery, WebhookEvent
from zhenggai.supervision.services import orders


def test_issuing_an_order_in_the_service_emits_order_issued(
    world, django_capture_on_commit_callbacks
):
    create_endpoint(
        actor=world.coordinator,
        organisation=world.a.org,
        url="http://127.0.0.1:9/hook",
        events=[WebhookEvent.ORDER_ISSUED],
    )
    with django_capture_on_commit_callbacks(execute=True):
        orders.issue_order(
            inspection=world.a.inspection,
            actor=world.office,
            measures=[world.a.measures[0]],
            subject="请加快整改",
            due_date=dt.date(2026, 12, 20),
            requirement="",
        )
    assert WebhookDelivery.objects.filter(event=WebhookEvent.ORDER_ISSUED).count() == 1
