"""PDF through LibreOffice headless, from the .docx written with the open fonts.

Each conversion uses its own LibreOffice profile directory, so conversions in several
processes (test workers, app servers) never wait for or corrupt each other's profile.
The .docx goes through .odt first, to switch off the space LibreOffice adds between
Chinese and Latin text (see :func:`_without_autospace`).
``ZHENGGAI_SOFFICE`` names the binary when it is not ``soffice`` on the ``PATH``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
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


def _failed(detail: str) -> PdfUnavailable:
    return PdfUnavailable(
        _("PDF 转换失败,请稍后重试或下载 .docx。"), f"LibreOffice failed: {detail}"
    )


def _convert(binary: str, work: Path, source: Path, target: str) -> Path:
    """Run one LibreOffice conversion of ``source`` in ``work``; the converted file."""
    command = [
        binary,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        target,
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
        raise _failed(str(exc)) from exc
    result = work / f"{source.stem}.{target.split(':')[0]}"
    if done.returncode != 0 or not result.exists():
        raise _failed((done.stderr or done.stdout or b"").decode("utf-8", "replace")[-500:])
    return result


_PARAGRAPH_PROPERTIES = re.compile(r"<style:paragraph-properties(?![^>]*text-autospace)")


def _without_autospace(odt: Path) -> Path:
    """A copy of ``odt`` whose paragraphs add no space between Chinese and Latin text.

    LibreOffice's .docx import ignores ``w:autoSpaceDE``/``w:autoSpaceDN`` and spaces
    digits apart from Chinese (2019 年 7 月), which breaks the 28-character grid; the
    OpenDocument attribute ``style:text-autospace="none"`` is honoured.
    """
    patched = odt.with_name("report-grid.odt")
    with zipfile.ZipFile(odt) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in ("styles.xml", "content.xml"):
                text = data.decode("utf-8").replace(
                    'style:text-autospace="ideograph-alpha"', 'style:text-autospace="none"'
                )
                text = _PARAGRAPH_PROPERTIES.sub(
                    '<style:paragraph-properties style:text-autospace="none"', text
                )
                data = text.encode("utf-8")
            stored = item.filename == "mimetype"  # must stay first and uncompressed
            target.writestr(item, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return patched


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert .docx bytes to PDF bytes with LibreOffice; raises :class:`PdfUnavailable`.

    Two conversions share one private profile: .docx → .odt, the autospace fix, → PDF.
    """
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
        odt = _convert(binary, work, source, "odt")
        pdf = _convert(binary, work, _without_autospace(odt), "pdf:writer_pdf_Export")
        return pdf.read_bytes()


def write_pdf(document: ReportDocument) -> bytes:
    """The report as PDF, embedding the open CJK fonts (Fandol, Noto CJK)."""
    return docx_to_pdf(write_docx(document, open_fonts=True))
