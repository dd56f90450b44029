"""导入 and 导出: a report or a 台账 uploaded, previewed, then imported all or nothing.

The upload is read by ``documents.upload.preview_upload`` (a dry run of the very
import, rolled back) and the preview — including what ``import_into`` will take —
is kept in a file under ``DATA_DIR/tmp/imports`` named by a random token. The session
holds the token and the SHA-256 of the file, so the confirmed import is exactly what
was previewed, by the same person, into the same inspection. Nothing reaches the
ledger before the coordinator confirms; the services audit the import and the export.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhenggai.accounts.permissions import Action, get_inspection_for
from zhenggai.core.errors import DomainError
from zhenggai.documents.excel.exporter import export_sheet
from zhenggai.documents.excel.result import SheetImportError
from zhenggai.documents.excel.sheet import MAX_BYTES as SHEET_MAX_BYTES
from zhenggai.documents.ledger_json import LEDGER_FORMAT, from_ledger_json
from zhenggai.documents.readers import ReportReadError
from zhenggai.documents.upload import ACCEPT, import_into, preview_upload
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.services.workflow import PermissionRefused
from zhenggai.quality.presentation import view_findings
from zhenggai.quality.services import check_report
from zhenggai.web.views.reports import download, inspection_tabs

SESSION_KEY = "zhenggai.import"
#: Previews left unconfirmed are removed after this many seconds.
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

COUNT_LABELS = {
    "categories": "问题类别",
    "problems": "问题",
    "measures": "整改措施",
    "rows": "数据行",
    "created": "新增措施",
    "updated": "修改措施",
    "unchanged": "无变化的措施",
    "problems_created": "新增问题",
    "problems_updated": "修改问题",
    "categories_created": "新增问题类别",
    "progress_added": "新增进展",
    "institutions_added": "新增制度",
}
ACTION_LABELS = {"create": "新增", "update": "修改"}


def _store() -> Path:
    path = Path(settings.DATA_DIR) / "tmp" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sweep(store: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for old in store.glob("*.json"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _keep(request: HttpRequest, inspection: Inspection, preview: dict[str, Any]) -> None:
    """Write the preview to a fresh file and remember its token and digest in the session."""
    _discard(request)
    store = _store()
    _sweep(store)
    token = secrets.token_urlsafe(24)
    body = json.dumps(preview, ensure_ascii=False).encode("utf-8")
    (store / f"{token}.json").write_bytes(body)
    request.session[SESSION_KEY] = {
        "inspection": inspection.pk,
        "user": request.user.pk,
        "token": token,
        "sha256": hashlib.sha256(body).hexdigest(),
    }


def _pending(request: HttpRequest, inspection: Inspection) -> dict[str, Any] | None:
    """The preview kept for this user and inspection, if its file is intact."""
    entry = request.session.get(SESSION_KEY)
    if not isinstance(entry, dict) or entry.get("inspection") != inspection.pk:
        return None
    token = str(entry.get("token", ""))
    if entry.get("user") != request.user.pk or not _TOKEN.match(token):
        return None
    try:
        body = (_store() / f"{token}.json").read_bytes()
    except OSError:
        return None
    if hashlib.sha256(body).hexdigest() != entry.get("sha256"):
        return None
    return json.loads(body)


def _discard(request: HttpRequest) -> None:
    entry = request.session.pop(SESSION_KEY, None)
    token = str(entry.get("token", "")) if isinstance(entry, dict) else ""
    if _TOKEN.match(token):
        (_store() / f"{token}.json").unlink(missing_ok=True)


def _editable(request: HttpRequest, pk: int) -> Inspection:
    """404 outside the user's units; 403 unless they may edit the ledger (整改办, 巡察办)."""
    return get_inspection_for(request.user, pk, Action.EDIT_LEDGER)


def _findings(preview: dict[str, Any]) -> list[Any]:
    """Quality findings on a report before import (none for a sheet: it is not a report)."""
    data = preview.get("data") or {}
    if preview.get("kind") != "report" or data.get("format") != LEDGER_FORMAT:
        return []
    try:
        parsed = from_ledger_json(data)
    except ReportReadError:
        return []
    return view_findings(check_report(parsed, name=preview.get("name", "")))


def _counts(preview: dict[str, Any]) -> list[tuple[str, int]]:
    counts = preview.get("counts") or {}
    return [(COUNT_LABELS[k], counts[k]) for k in COUNT_LABELS if k in counts]


def _upload_page(
    request: HttpRequest,
    inspection: Inspection,
    *,
    preview: dict[str, Any] | None = None,
    error: str = "",
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "notice": notice,
        "inspection": inspection,
        "tabs": inspection_tabs(request.user, inspection, "import"),
        "accept": ACCEPT,
        "preview": preview,
        "error": error,
        "has_pending": _pending(request, inspection) is not None,
        "max_mb": SHEET_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "web/imports/upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: choose a file; POST: read it and, if it can be imported, show the preview."""
    inspection = _editable(request, pk)
    if request.method == "GET":
        return _upload_page(request, inspection)
    upload = request.FILES.get("file")
    if upload is None or not upload.size:
        error = _("请选择要导入的文件(.txt、.docx、.xlsx 或 .csv)。")
        return _upload_page(request, inspection, error=error, status=400)
    if upload.size > SHEET_MAX_BYTES:
        return _upload_page(
            request,
            inspection,
            error=_("文件超过%(mb)dMB,不能导入。") % {"mb": SHEET_MAX_BYTES // (1024 * 1024)},
            status=400,
        )
    content = upload.read()
    preview = preview_upload(content, upload.name, inspection=inspection, actor=request.user)
    if not preview.get("ok"):
        return _upload_page(request, inspection, preview=preview, status=400)
    _keep(request, inspection, preview)
    return redirect("web:import.preview", pk=inspection.pk)


def _preview_page(
    request: HttpRequest,
    inspection: Inspection,
    preview: dict[str, Any],
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "inspection": inspection,
        "tabs": inspection_tabs(request.user, inspection, "import"),
        "preview": preview,
        "counts": _counts(preview),
        "findings": _findings(preview),
        "actions": ACTION_LABELS,
        "error": error,
    }
    return render(request, "web/imports/preview.html", context, status=status)


def _import_error(exc: Exception) -> str:
    if isinstance(exc, SheetImportError):
        return "; ".join(e.as_dict()["text"] for e in exc.errors[:5])
    if isinstance(exc, ReportReadError):
        return str(exc)
    if isinstance(exc, DomainError):
        return exc.message
    return str(exc)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what importing the uploaded file will write; POST: import it, or cancel."""
    inspection = _editable(request, pk)
    preview = _pending(request, inspection)
    if preview is None:
        error = _("没有待确认的导入(预览已过期或已处理),请重新上传文件。")
        if request.method == "GET":
            return _upload_page(request, inspection, notice=error)
        return _upload_page(request, inspection, error=error, status=400)
    if request.method == "GET":
        return _preview_page(request, inspection, preview)
    if "cancel" in request.POST:
        _discard(request)
        messages.info(request, _("已取消导入,台账没有任何改动。"))
        return redirect("web:import.upload", pk=inspection.pk)
    try:
        result = import_into(inspection, preview["data"], request.user)
    except PermissionRefused as refused:
        raise PermissionDenied(refused.message) from refused
    except (SheetImportError, ReportReadError, DomainError) as exc:
        error = _("未导入,台账没有任何改动:%(why)s") % {"why": _import_error(exc)}
        return _preview_page(request, inspection, preview, error=error, status=400)
    _discard(request)
    if result.get("kind") == "report":
        said = _("已导入“%(name)s”:问题%(p)d个,整改措施%(m)d项(均为草稿,待完善责任和时限)。") % {
            "name": preview.get("name", ""),
            "p": result.get("problems", 0),
            "m": result.get("measures", 0),
        }
    else:
        said = _("已导入“%(name)s”:新增措施%(c)d项,修改%(u)d项,%(n)d项无变化。") % {
            "name": preview.get("name", ""),
            "c": result.get("created", 0),
            "u": result.get("updated", 0),
            "n": result.get("unchanged", 0),
        }
    messages.success(request, said)
    return redirect("web:ledger", pk=inspection.pk)


@login_required
@require_GET
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The ledger as a 台账 .xlsx, limited to the measures the user sees (audited)."""
    inspection = get_inspection_for(request.user, pk)
    stream = io.BytesIO()
    export_sheet(request.user, inspection, stream)
    day = timezone.localdate().strftime("%Y%m%d")
    return download(
        stream.getvalue(),
        f"{inspection.unit.name}整改台账{day}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
