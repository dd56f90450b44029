"""What a sheet import reports: the result counters, or the error listing rows and columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .sheet import SheetError


class SheetImportError(ValueError):
    """The sheet was not imported; ``errors`` name each row and column at fault."""

    def __init__(self, errors: list[SheetError], warnings: list[SheetError] | None = None) -> None:
        self.errors = errors
        self.warnings = warnings or []
        head = "; ".join(str(e) for e in errors[:3])
        more = f" (+{len(errors) - 3})" if len(errors) > 3 else ""
        super().__init__(f"台账未导入 / ledger not imported: {head}{more}")


@dataclass
class SheetImportResult:
    """What an import did (or, in a dry run, would do)."""

    name: str
    sha256: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems_created: int = 0
    problems_updated: int = 0
    categories_created: int = 0
    progress_added: int = 0
    institutions_added: int = 0
    columns: list[str] = field(default_factory=list)
    warnings: list[SheetError] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The counters as a dict (for JSON output and the audit log)."""
        keys = (
            "rows",
            "created",
            "updated",
            "unchanged",
            "problems_created",
            "problems_updated",
            "categories_created",
            "progress_added",
            "institutions_added",
        )
        return {key: getattr(self, key) for key in keys}

    def as_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready."""
        return {
            "name": self.name,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            **self.counts(),
            "columns": self.columns,
            "warnings": [w.as_dict() for w in self.warnings],
            "changes": self.changes,
        }
