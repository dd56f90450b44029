"""A composed report, independent of the format it is written in.

The composer turns the ledger into a :class:`ReportDocument`; the writers turn that
into .docx, PDF, HTML or plain text. The document is plain data, stored as JSON in the
report snapshot, so a snapshot renders the same in every format years later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """Block kinds; the GB/T 9704-2012 level of each is fixed by the writers."""

    TITLE = "title"  # 2号 小标宋, centred
    PARA = "para"  # 3号 仿宋, first line indented two characters
    H1 = "h1"  # 一、 黑体
    H2 = "h2"  # (一) 楷体
    H3 = "h3"  # 1. 仿宋
    H4 = "h4"  # (1) 仿宋 (a problem of the feedback)
    BLANK = "blank"  # an empty line
    SIGNATURE = "signature"  # 发文机关署名, right, two characters in
    DATE = "date"  # 成文日期, under the signature, two characters further right
    TABLE = "table"  # rows of cells; the first row is the header
    NOTE = "note"  # a remark in smaller type (e.g. under a table)


@dataclass(frozen=True)
class Block:
    """One paragraph (or table) of the report.

    ``lead`` is a run-in heading printed before ``text`` in the font of ``lead_kind``,
    like ``(一)提高政治站位,加强组织领导。`` in 楷体 before the paragraph in 仿宋.
    """

    kind: Kind
    text: str = ""
    lead: str = ""
    lead_kind: Kind = Kind.PARA
    rows: tuple[tuple[str, ...], ...] = ()
    widths_mm: tuple[float, ...] = ()

    @property
    def full_text(self) -> str:
        return self.lead + self.text

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"k": str(self.kind)}
        if self.text:
            data["t"] = self.text
        if self.lead:
            data["l"], data["lk"] = self.lead, str(self.lead_kind)
        if self.rows:
            data["rows"] = [list(row) for row in self.rows]
            data["w"] = list(self.widths_mm)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Block:
        return cls(
            kind=Kind(data["k"]),
            text=data.get("t", ""),
            lead=data.get("l", ""),
            lead_kind=Kind(data.get("lk", Kind.PARA)),
            rows=tuple(tuple(row) for row in data.get("rows", ())),
            widths_mm=tuple(data.get("w", ())),
        )


@dataclass(frozen=True)
class ReportDocument:
    """A whole report: its blocks in order, and what the writers need besides.

    ``kind`` is ``"unit"`` (a unit's progress report) or ``"round"`` (the office's
    round summary); ``meta`` carries the figures and names the blocks were made from.
    """

    kind: str
    title: str
    blocks: tuple[Block, ...]
    date: dt.date
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "zhenggai.report/1",
            "kind": self.kind,
            "title": self.title,
            "date": self.date.isoformat(),
            "meta": self.meta,
            "blocks": [block.to_json() for block in self.blocks],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportDocument:
        return cls(
            kind=data["kind"],
            title=data["title"],
            blocks=tuple(Block.from_json(item) for item in data["blocks"]),
            date=dt.date.fromisoformat(data["date"]),
            meta=data.get("meta") or {},
        )

    def text_blocks(self) -> list[Block]:
        return [block for block in self.blocks if block.kind not in (Kind.BLANK, Kind.TABLE)]
