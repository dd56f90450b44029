"""Checking and storing evidence files (佐证材料)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from zhenggai.core.errors import DomainError

#: Allowed types, detected from content, never from the file name.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/ofd": "OFD",
}
#: Limits against archive bombs, checked on the zip directory before anything is extracted.
MAX_ARCHIVE_MEMBERS = 2000
MAX_ARCHIVE_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ARCHIVE_RATIO = 100


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    sha256: str
    size: int
    content_type: str


def _zip_kind(data: bytes, name: str = "") -> str | None:
    """Tell docx, xlsx and ofd apart by their contents, refusing bombs before extraction."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # a hostile directory fails in many ways (not only BadZipFile)
        return None
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if (
        len(infos) > MAX_ARCHIVE_MEMBERS
        or total > MAX_ARCHIVE_UNCOMPRESSED
        or (total > MAX_ARCHIVE_RATIO * max(len(data), 1) and total > 10 * 1024 * 1024)
    ):
        raise DomainError(
            _("文件“%(name)s”压缩包内容异常(可能为压缩炸弹),已拒绝。") % {"name": name},
            f"File {name!r} refused: suspicious archive expansion.",
            field="file",
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if "OFD.xml" in names:
        return "application/ofd"
    return None


def detect_type(data: bytes, name: str = "") -> str | None:
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, name)
    kind = filetype.guess(data[:8192])
    return kind.mime if kind else None


def check_upload(stream: IO[bytes], name: str) -> CheckedFile:
    """Read an uploaded file and refuse it unless its content is of an allowed type and size.

    Raises :class:`DomainError` naming the file and the reason; nothing is stored here.
    """
    limit = settings.ZHENGGAI_EVIDENCE_MAX_BYTES
    data = stream.read(limit + 1)
    if len(data) == 0:
        raise DomainError(
            _("文件“%(name)s”为空。") % {"name": name}, f"File {name!r} is empty.", field="file"
        )
    if len(data) > limit:
        raise DomainError(
            _("文件“%(name)s”超过大小上限 %(mb)s MB。")
            % {"name": name, "mb": limit // (1024 * 1024)},
            f"File {name!r} exceeds the {limit} byte limit.",
            field="file",
        )
    _scan(data, name)
    content_type = detect_type(data, name)
    if content_type not in ALLOWED_TYPES:
        raise DomainError(
            _(
                "文件“%(name)s”的类型不允许上传;只接受 PDF、JPG、PNG、DOCX、XLSX、OFD(按文件内容识别)。"  # noqa: E501 — one message
            )
            % {"name": name},
            f"File {name!r} is not an allowed type (PDF, JPG, PNG, DOCX, XLSX, OFD by content).",
            field="file",
        )
    return CheckedFile(data, hashlib.sha256(data).hexdigest(), len(data), content_type)


def _scan(data: bytes, name: str) -> None:
    """The anti-virus hook (check 24): a finding or an unavailable scanner refuses the file."""
    from zhenggai.ledger.services.antivirus import ScannerUnavailable, scanner

    try:
        found = scanner().scan(data, name)
    except ScannerUnavailable:
        raise DomainError(
            _("病毒扫描暂不可用,文件“%(name)s”未上传,请稍后重试。") % {"name": name},
            f"File {name!r} refused: the virus scanner is unavailable.",
            field="file",
        ) from None
    if found:
        raise DomainError(
            _("文件“%(name)s”未通过病毒扫描(%(found)s),已拒绝。") % {"name": name, "found": found},
            f"File {name!r} refused by the virus scanner: {found}.",
            field="file",
        )


def check_unit_quota(unit_id: int, sizes: list[int]) -> None:
    """Refuse files that would take the unit's evidence over ``ZHENGGAI_UNIT_QUOTA_BYTES``."""
    quota = settings.ZHENGGAI_UNIT_QUOTA_BYTES
    if not quota or not sizes:
        return
    from django.db.models import Sum

    from zhenggai.ledger.models import Evidence

    unit_files = Evidence.objects.filter(measure__inspection__unit_id=unit_id)
    used = unit_files.aggregate(total=Sum("size"))["total"] or 0
    if used + sum(sizes) > quota:
        raise DomainError(
            _("本单位佐证材料已达存储上限(%(gb)s GB),请联系系统管理员。")
            % {"gb": round(quota / 1024**3, 2)},
            f"The unit's evidence quota of {quota} bytes would be exceeded.",
            field="file",
        )


def display_name(name: str) -> str:
    """The user's file name as metadata only: no directories, no control characters
    (a NUL cannot even be stored in PostgreSQL), at most 255 characters (check 23)."""
    import unicodedata

    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if unicodedata.category(ch) not in {"Cc", "Cf"}).strip()
    return (clean or "file")[:255]
