"""The schema and the interactive page are served at stable URLs, without a CDN."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_document_is_public_and_complete() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/measures", "/api/v1/measures/{pk}", "/api/v1/tokens"} <= set(schema["paths"])
    patch = schema["paths"]["/api/v1/measures/{pk}"]["patch"]
    assert {"412", "428", "422", "404"} <= set(patch["responses"])
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_docs_page_uses_local_assets() -> None:
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/assets/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    asset = Client().get("/api/v1/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and asset["Content-Type"].endswith("javascript")
    b"".join(asset.streaming_content)
    assert Client().get("/api/v1/assets/settings.py").status_code == 404
