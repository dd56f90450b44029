"""What the upload page calls: a preview of an uploaded file, then the confirmed import.

::

    preview = preview_upload(content, name, inspection=inspection, actor=request.user)
    # show preview["tree"], ["counts"], ["warnings"], ["inconsistencies"], ["errors"];
    # keep preview["data"] (JSON-able) until the coordinator confirms, then:
    result = import_into(inspection, preview["data"], request.user)

A report (.txt or .docx) previews as its parsed tree; a 台账 (.xlsx or .csv) previews
as a dry-run import into the inspection — the same code as the import, rolled back —
so the counts shown are exactly what confirming will write.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from django.db import transaction

from zhenggai.accounts.permissions import Action, can_on_inspection
from zhenggai.core.errors import DomainError
from zhenggai.documents.excel.importer import SheetImportError, import_sheet
from zhenggai.documents.excel.sheet import MAX_BYTES as SHEET_MAX_BYTES
from zhenggai.documents.importer import ImportOptions, import_report_into
from zhenggai.documents.ledger_json import LEDGER_FORMAT, to_ledger_json
from zhenggai.documents.readers import ReportReadError, read_report
from zhenggai.documents.readers.docx import is_docx
from zhenggai.documents.readers.source import MAX_BYTES as REPORT_MAX_BYTES
from zhenggai.documents.readers.summary import CONSISTENCY_CODES, FIGURE_KEYS
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.services.workflow import PermissionRefused

SHEET_FORMAT = "zhenggai.sheet/1"
#: For the file input's ``accept`` attribute.
ACCEPT = ".txt,.docx,.xlsx,.csv"


def upload_kind(content: bytes, name: str) -> str:
    """``report`` (.txt, .docx) or ``sheet`` (.xlsx, .csv), from the content where it tells."""
    lower = name.lower()
    if content.startswith(b"PK\x03\x04"):
        return "report" if is_docx(content) else "sheet"
    if lower.endswith(".csv") or lower.endswith((".xlsx", ".xls")):
        return "sheet"
    return "report"


def _error(message_zh: str, message_en: str, line: int | None = None) -> dict[str, Any]:
    where_zh = f"第{line}行:" if line is not None else ""
    where_en = f" (line {line})" if line is not None else ""
    return {
        "row": line,
        "line": line,
        "column": None,
        "header": None,
        "message_zh": message_zh,
        "message_en": message_en,
        "text": f"{where_zh}{message_zh} / {message_en}{where_en}",
    }


def _warnings(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    plain = [w for w in items if w["code"] not in CONSISTENCY_CODES]
    odd = [w for w in items if w["code"] in CONSISTENCY_CODES]
    return plain, odd


def _report_preview(
    preview: dict[str, Any], content: bytes, inspection: Inspection | None, actor: Any
) -> None:
    try:
        report = read_report(content)
    except ReportReadError as exc:
        preview["errors"] = [_error(exc.message_zh, exc.message_en, exc.line)]
        return
    data = to_ledger_json(report)
    problems = [p for c in data["categories"] for p in c["problems"]]
    preview.update(
        layout=report.layout,
        inspection=data["inspection"],
        counts={
            "categories": len(data["categories"]),
            "problems": len(problems),
            "measures": sum(len(p["measures"]) for p in problems),
        },
        tree=data["categories"],
        summary=[{**f, "label": FIGURE_KEYS.get(f["key"], f["key"])} for f in data["summary"]],
        contact=data["contact"],
        data=data,
    )
    preview["warnings"], preview["inconsistencies"] = _warnings(data["warnings"])
    if inspection is not None:
        try:
            with transaction.atomic():
                import_into(inspection, data, actor)
                transaction.set_rollback(True)
        except DomainError as exc:
            preview["errors"] = [_error(exc.message, exc.english or exc.message)]
            return
    preview["ok"] = True


def _sheet_preview(
    preview: dict[str, Any], content: bytes, name: str, inspection: Inspection | None, actor: Any
) -> None:
    preview["data"] = {
        "format": SHEET_FORMAT,
        "name": name,
        "sha256": preview["sha256"],
        "content": base64.b64encode(content).decode("ascii"),
    }
    if inspection is None:
        preview["errors"] = [_error("导入台账须先选择巡察", "choose the inspection to import into")]
        return
    try:
        result = import_sheet(inspection, content, actor=actor, name=name, dry_run=True)
    except SheetImportError as exc:
        preview["errors"] = [e.as_dict() for e in exc.errors]
        preview["warnings"] = [w.as_dict() for w in exc.warnings]
        return
    except DomainError as exc:
        preview["errors"] = [_error(exc.message, exc.english or exc.message)]
        return
    details = result.as_dict()
    preview.update(
        counts=result.counts(),
        tree=details["changes"],
        warnings=details["warnings"],
        columns=details["columns"],
        ok=True,
    )


def preview_upload(
    content: bytes, name: str, *, inspection: Inspection | None = None, actor: Any = None
) -> dict[str, Any]:
    """Read an uploaded file and describe what importing it would do; writes nothing.

    Returns a JSON-able dict:

    * ``ok`` — true when confirming would import; ``errors`` — otherwise, why
      (each with ``message_zh``, ``message_en``, ``text``, and ``line`` for a report or
      ``row``/``column``/``header`` for a sheet);
    * ``kind`` (``report`` or ``sheet``), ``name``, ``size``, ``sha256``;
    * ``counts`` — categories/problems/measures for a report; rows, created, updated,
      unchanged … for a sheet;
    * ``tree`` — a report's categories → problems → measures, each with its ``lines``
      (the ``zhenggai.ledger/1`` shape); for a sheet the first 200 rows that change;
    * ``warnings`` and ``inconsistencies`` (stated counts that differ from the measures
      listed, summary figures that differ from the problems' statuses);
    * for a report also ``layout``, ``inspection`` (team, unit, dates), ``summary``
      (figures with a Chinese ``label``) and ``contact``;
    * ``data`` — what :func:`import_into` takes once the coordinator confirms.

    With ``inspection`` and ``actor`` the import is tried and rolled back, so rule and
    permission failures show in the preview; a sheet needs them to be previewed at all.
    """
    kind = upload_kind(content, name)
    preview: dict[str, Any] = {
        "ok": False,
        "kind": kind,
        "name": name,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "errors": [],
        "warnings": [],
        "inconsistencies": [],
        "counts": {},
        "tree": [],
        "data": None,
    }
    limit = REPORT_MAX_BYTES if kind == "report" else SHEET_MAX_BYTES
    if len(content) > limit:
        preview["errors"] = [
            _error(
                f"文件超过{limit // (1024 * 1024)}MB",
                f"the file is larger than {limit // (1024 * 1024)} MB",
            )
        ]
    elif kind == "report":
        _report_preview(preview, content, inspection, actor)
    else:
        _sheet_preview(preview, content, name, inspection, actor)
    return preview


def import_into(
    inspection: Inspection,
    data: dict[str, Any],
    actor: Any,
    options: ImportOptions | None = None,
) -> dict[str, Any]:
    """Import what :func:`preview_upload` returned as ``data`` into ``inspection``.

    All or nothing, in one transaction, with an audit entry ``ledger.imported``. A
    report adds its categories, problems and measures (as drafts unless ``options``
    say otherwise); a sheet creates and updates measures by (problem number, measure
    number). ``data`` is validated again, and a sheet's content must still match the
    ``sha256`` that was previewed. ``actor`` must be allowed to edit the ledger; ``None``
    (command line) skips that check for reports.

    Raises :class:`ReportReadError` for invalid ``data``, :class:`DomainError` (and its
    ``PermissionRefused``) when a rule refuses, :class:`SheetImportError` naming the
    rows and columns at fault. Returns the counts written, with ``kind``.
    """
    if not isinstance(data, dict):
        raise ReportReadError("导入数据应为对象", "import data must be an object")
    if actor is not None and not can_on_inspection(actor, Action.EDIT_LEDGER, inspection):
        raise PermissionRefused("您无权修改该单位的整改台账。", "Not allowed to edit this ledger.")
    if data.get("format") == LEDGER_FORMAT:
        summary = import_report_into(
            inspection,
            data,
            actor=actor,
            options=options or ImportOptions(claimed_status=False),
            source_name=str(data.get("title", ""))[:255],
        )
        return {"kind": "report", **summary.as_dict()}
    if data.get("format") == SHEET_FORMAT:
        try:
            content = base64.b64decode(str(data.get("content", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ReportReadError("台账数据已损坏", "the sheet data is damaged") from exc
        if hashlib.sha256(content).hexdigest() != data.get("sha256"):
            raise ReportReadError(
                "台账数据与预览时不一致", "the sheet differs from the one previewed"
            )
        result = import_sheet(inspection, content, actor=actor, name=str(data.get("name", "")))
        return {"kind": "sheet", **result.as_dict()}
    raise ReportReadError(
        f"未知的导入数据格式“{data.get('format')}”",
        f"unknown import data format {data.get('format')!r}",
    )


__all__ = ["ACCEPT", "SHEET_FORMAT", "import_into", "preview_upload", "upload_kind"]
