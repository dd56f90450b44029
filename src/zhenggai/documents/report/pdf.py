"""PDF through LibreOffice headless, from the .docx written with the open fonts.

Each conversion uses its own LibreOffice profile directory, so conversions in several
processes (test workers, app servers) never wait for or corrupt each other's profile.
``ZHENGGAI_SOFFICE`` names the binary when it is not ``soffice`` on the ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from zhenggai.core.errors import DomainError

from .document import ReportDocument
from .docx import write_docx

TIMEOUT_SECONDS = 180


class PdfUnavailable(DomainError):
    """LibreOffice is not installed, or failed to convert."""


def soffice_path() -> str | None:
    configured = getattr(settings, "ZHENGGAI_SOFFICE", None) or os.environ.get("ZHENGGAI_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert .docx bytes to PDF bytes with LibreOffice; raises :class:`PdfUnavailable`."""
    binary = soffice_path()
    if binary is None:
        raise PdfUnavailable(
            _("未安装 LibreOffice,无法生成 PDF;可下载 .docx。"),
            "LibreOffice (soffice) is not installed; PDF cannot be produced.",
        )
    with tempfile.TemporaryDirectory(prefix="zhenggai-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx)
        profile = (work / "profile").as_uri()
        command = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        env = {**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, env=env, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(
                _("PDF 转换失败,请稍后重试或下载 .docx。"), f"LibreOffice failed: {exc}"
            ) from exc
        target = work / "report.pdf"
        if done.returncode != 0 or not target.exists():
            detail = (done.stderr or done.stdout or b"").decode("utf-8", "replace")[-500:]
            raise PdfUnavailable(
                _("PDF 转换失败,请稍后重试或下载 .docx。"), f"LibreOffice failed: {detail}"
            )
        return target.read_bytes()


def write_pdf(document: ReportDocument) -> bytes:
    """The report as PDF, embedding the open CJK fonts (Fandol, Noto CJK)."""
    return docx_to_pdf(write_docx(document, open_fonts=True))
