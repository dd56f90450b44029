"""Fixtures for the report tests: data directory, the seed as the demo loads it, LibreOffice."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from django.db import transaction

from tests.world import TODAY
from zhenggai.core.demo import load_demo
from zhenggai.ledger.models import Inspection

T = TypeVar("T")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Each test gets its own data directory; evidence files are stored under it."""
    settings.DATA_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    return tmp_path


def load_seed() -> Inspection:
    """The seed report imported exactly as ``zhenggai demo`` imports it."""
    summary = load_demo(password="x-Demo-2026-test", today=TODAY)
    return Inspection.objects.select_related("unit", "round").get(pk=summary["seed"])


@pytest.fixture
def seed(db, data_dir) -> Inspection:
    return load_seed()


def require_soffice() -> None:
    """Skip loudly without LibreOffice, or fail when ``ZHENGGAI_REQUIRE_BROWSER`` is set (CI)."""
    missing = [tool for tool in ("soffice", "pdftoppm") if shutil.which(tool) is None]
    if not missing:
        return
    message = (
        f"PDF REPORT TESTS SKIPPED: {', '.join(missing)} not found. Run "
        "scripts/install-report-tools.sh as root (LibreOffice, poppler-utils, CJK fonts)."
    )
    if os.environ.get("ZHENGGAI_REQUIRE_BROWSER"):
        pytest.fail(message)
    print(f"\n{'#' * 78}\n# {message}\n{'#' * 78}", flush=True)
    pytest.skip(message)


def rolled_back(django_db_blocker, build: Callable[[], T]) -> T:
    """Run ``build`` with database access in a transaction that is rolled back.

    Module-scoped fixtures use it to compose a document once (the PDF conversion is
    slow) without leaving rows behind for other tests.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        result = build()
        transaction.set_rollback(True)
    return result


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
