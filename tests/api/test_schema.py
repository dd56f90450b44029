"""Property-based run of every operation against the served OpenAPI document.

Schemathesis reads ``/api/v1/openapi.json`` from the WSGI application, generates
requests (valid and invalid) for each operation and checks that none answers 5xx and
that every answer matches the documented status codes, content types and schemas.
Bounded: a few examples per operation, no deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import enrich
from tests.world import World
from zhenggai.api.tokens import create_token
from zhenggai.documents.report import services as report_services

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_test_connection() -> Iterator[None]:
    """Schemathesis calls the real WSGI handler, which closes "old" connections after each
    request, the test's own included (PostgreSQL); Django's test client avoids it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(world: World, settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    # LibreOffice takes seconds per PDF; the reports' own tests render real ones.
    monkeypatch.setattr(report_services, "write_pdf", lambda document: b"%PDF-1.4\n%%EOF\n")
    settings.ZHENGGAI_API_RATE_PER_MINUTE = 100_000
    cache.clear()
    enrich(world)
    return create_token(user=world.coordinator, name="schemathesis").secret


def _real_ids(case: Any) -> None:
    """Most generated ids name nothing; fold the valid ones onto the few rows that exist."""
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            case.path_parameters[name] = value % 8 + 1


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, coordinator_token: str) -> None:
    _real_ids(case)
    response = case.call(headers={"Authorization": f"Bearer {coordinator_token}"})
    case.validate_response(response, checks=CHECKS)
