"""Searching and exporting the audit log, for the audit administrator (审计管理员).

Exports are CSV (UTF-8 with BOM, for Excel) or XLSX. A cell that a spreadsheet would
read as a formula is prefixed with an apostrophe; phone and ID numbers that might have
found their way into an entry's data are masked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.audit.models import AuditEntry

PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d{3})(\d{11})(\d{3}[\dXx])(?![\dA-Za-z])")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Largest export in one file; a larger search is refused with a hint to narrow it.
MAX_EXPORT_ROWS = 200_000


@dataclass(frozen=True)
class AuditFilters:
    start: dt.date | None = None
    end: dt.date | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    ip: str = ""
    success: bool | None = None

    @classmethod
    def from_query(cls, query: Any) -> AuditFilters:
        def date(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(query.get(name, ""))
            except ValueError:
                return None

        success = {"1": True, "0": False}.get(query.get("success", ""))
        return cls(
            start=date("start"),
            end=date("end"),
            actor=query.get("actor", "").strip()[:150],
            action=query.get("action", "").strip()[:80],
            object_type=query.get("object_type", "").strip()[:60],
            object_id=query.get("object_id", "").strip()[:40],
            ip=query.get("ip", "").strip()[:45],
            success=success,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            k: (str(v) if isinstance(v, dt.date) else v)
            for k, v in self.__dict__.items()
            if v not in ("", None)
        }


def search(filters: AuditFilters) -> QuerySet[AuditEntry]:
    rows = AuditEntry.objects.all().order_by("-id")
    zone = timezone.get_default_timezone()
    if filters.start:
        rows = rows.filter(at__gte=dt.datetime.combine(filters.start, dt.time.min, tzinfo=zone))
    if filters.end:
        end = dt.datetime.combine(filters.end, dt.time.min, tzinfo=zone) + dt.timedelta(days=1)
        rows = rows.filter(at__lt=end)
    if filters.actor:
        rows = rows.filter(actor_name__icontains=filters.actor)
    if filters.action:
        rows = rows.filter(action__startswith=filters.action)
    if filters.object_type:
        rows = rows.filter(object_type=filters.object_type)
    if filters.object_id:
        rows = rows.filter(object_id=filters.object_id)
    if filters.ip:
        rows = rows.filter(ip=filters.ip) if _is_ip(filters.ip) else rows.none()
    if filters.success is not None:
        rows = rows.filter(success=filters.success)
    return rows


def _is_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def mask_personal(text: str) -> str:
    text = PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 11}{m.group(3)}", text)


def safe_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = mask_personal(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def as_json(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def header() -> list[str]:
    return [
        _("编号"),
        _("时间"),
        _("操作人"),
        _("地址"),
        _("事件"),
        _("对象类型"),
        _("对象"),
        _("单位"),
        _("结果"),
        _("变更前"),
        _("变更后"),
        _("哈希"),
    ]


def row(entry: AuditEntry) -> list[Any]:
    local = timezone.localtime(entry.at)
    return [
        safe_cell(v)
        for v in (
            entry.id,
            local.isoformat(timespec="seconds"),  # with the zone offset (+08:00)
            entry.actor_name,
            entry.ip or "",
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.organisation_id if entry.organisation_id is not None else "",
            _("成功") if entry.success else _("失败"),
            as_json(entry.before),
            as_json(entry.after),
            entry.hash,
        )
    ]


def rows(entries: Iterable[AuditEntry]) -> Iterator[list[Any]]:
    yield header()
    for entry in entries:
        yield row(entry)


def to_csv(entries: Iterable[AuditEntry]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in rows(entries):
        writer.writerow(line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(entries: Iterable[AuditEntry]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("审计日志"))
    for line in rows(entries):
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
