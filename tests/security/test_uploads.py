"""Checks 20–24 and 28: upload types, size and quota, bombs, storage names, AV hook."""

from __future__ import annotations

import io
import socket
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.world import PDF, PNG, World
from zhenggai.core.errors import DomainError
from zhenggai.ledger.models import Evidence
from zhenggai.ledger.services import workflow
from zhenggai.ledger.services.antivirus import EICAR, ClamdScanner, ScannerUnavailable
from zhenggai.ledger.services.evidence import check_upload

EICAR_PDF = PDF.replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def report(world: World, *files: tuple[str, bytes]) -> None:
    workflow.report_progress(
        measure=world.a.measures[0],
        actor=world.dept,
        text="进展",
        files=[(name, io.BytesIO(data)) for name, data in files],
    )


# ------------------------------------------------------------------ check 20
# (.exe renamed .pdf, HTML, plain zip: tests/ledger/test_evidence.py and tests/web/test_workflow.py)


def test_svg_is_not_allowed(db) -> None:
    with pytest.raises(DomainError, match="类型不允许"):
        check_upload(
            io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"), "a.pdf"
        )


# ------------------------------------------------------------------ check 21: quota


def test_the_unit_quota_refuses_what_would_exceed_it(world: World, settings) -> None:
    settings.ZHENGGAI_UNIT_QUOTA_BYTES = len(PDF) * 2 + 10
    report(world, ("a.pdf", PDF), ("b.pdf", PDF))
    with pytest.raises(DomainError, match="存储上限"):
        report(world, ("c.pdf", PDF))
    assert Evidence.objects.count() == 2
    other_unit = world.b.measures[0]  # the quota is per unit
    workflow.report_progress(
        measure=other_unit, actor=world.outsider_dept, text="x", files=[("d.pdf", io.BytesIO(PDF))]
    )


def test_the_quota_can_be_switched_off(world: World, settings) -> None:
    settings.ZHENGGAI_UNIT_QUOTA_BYTES = 0
    report(world, ("a.pdf", PDF))


def test_the_quota_refusal_reaches_the_page(world: World, as_user, settings) -> None:
    settings.ZHENGGAI_UNIT_QUOTA_BYTES = 10
    response = as_user("dept").post(
        f"/measures/{world.a.measures[0].pk}/progress/",
        {"text": "x", "files": [upload("a.pdf", PDF)]},
    )
    assert response.status_code == 400 and "存储上限" in response.content.decode()


# ------------------------------------------------------------------ check 23


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "a\x00.pdf", "..\\..\\win.pdf", "/abs.pdf"]
)
def test_stored_names_are_generated(world: World, name: str) -> None:
    report(world, (name, PDF))
    evidence = Evidence.objects.get()
    assert evidence.file.name == f"evidence/{evidence.uuid.hex[:2]}/{evidence.uuid.hex}"
    assert "/" not in evidence.original_name and "\x00" not in evidence.original_name
    stored = Path(evidence.file.path).resolve()
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"]).resolve()
    assert stored.is_relative_to(root) and stored.read_bytes() == PDF


def test_media_is_not_served_directly(world: World, as_user) -> None:
    report(world, ("a.pdf", PDF))
    evidence = Evidence.objects.get()
    client = as_user("dept")
    for path in (
        f"/{evidence.file.name}",
        f"/media/{evidence.file.name}",
        f"/static/{evidence.file.name}",
    ):
        assert client.get(path).status_code == 404
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None


def test_a_png_is_sent_as_an_attachment_never_inline(world: World, as_user) -> None:
    report(world, ("图.png", PNG))
    response = as_user("dept").get(f"/evidence/{Evidence.objects.get().pk}/download/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


# ------------------------------------------------------------------ check 24


def test_the_eicar_file_is_refused(db) -> None:
    with pytest.raises(DomainError, match="病毒扫描"):
        check_upload(io.BytesIO(EICAR), "eicar.pdf")


def test_eicar_inside_an_allowed_type_is_refused(world: World, as_user) -> None:
    response = as_user("dept").post(
        f"/measures/{world.a.measures[0].pk}/progress/",
        {"text": "x", "files": [upload("a.pdf", EICAR_PDF)]},
    )
    assert response.status_code == 400 and "病毒扫描" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_scanner_is_pluggable(db, settings) -> None:
    from zhenggai.ledger.services import antivirus

    settings.ZHENGGAI_AV_SCANNER = "tests.security.test_uploads.RefuseAll"
    antivirus._scanner.cache_clear()
    try:
        with pytest.raises(DomainError, match="TestVirus"):
            check_upload(io.BytesIO(PDF), "a.pdf")
        settings.ZHENGGAI_AV_SCANNER = "tests.security.test_uploads.Broken"
        with pytest.raises(DomainError, match="暂不可用"):
            check_upload(io.BytesIO(PDF), "a.pdf")
    finally:
        antivirus._scanner.cache_clear()


class RefuseAll:
    def scan(self, data: bytes, name: str) -> str | None:
        return "TestVirus"


class Broken:
    def scan(self, data: bytes, name: str) -> str | None:
        raise ScannerUnavailable("down")


def _fake_clamd(answer: bytes) -> tuple[str, threading.Thread, list[bytes]]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            data = b""
            while not data.endswith(b"\0\0\0\0"):
                data += conn.recv(65536)
            received.append(data)
            conn.sendall(answer)
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"127.0.0.1:{server.getsockname()[1]}", thread, received


def test_the_clamd_scanner_speaks_instream() -> None:
    address, thread, received = _fake_clamd(b"stream: Eicar-Test-Signature FOUND\0")
    assert ClamdScanner(address, timeout=5).scan(EICAR, "x") == "Eicar-Test-Signature"
    thread.join(5)
    assert received[0].startswith(b"zINSTREAM\0") and EICAR in received[0]
    address, thread, _ = _fake_clamd(b"stream: OK\0")
    assert ClamdScanner(address, timeout=5).scan(PDF, "x") is None


def test_an_unreachable_clamd_fails_closed() -> None:
    with pytest.raises(ScannerUnavailable):
        ClamdScanner("127.0.0.1:9", timeout=2).scan(PDF, "x")
