"""Spreadsheet 台账: import .xlsx/.csv ledgers into an inspection, export them as .xlsx.

>>> result = import_sheet(inspection, Path("台账.xlsx"), actor=user, dry_run=True)  # doctest: +SKIP
>>> with open("台账.xlsx", "wb") as out:                                          # doctest: +SKIP
...     export_sheet(user, inspection, out)
"""

from __future__ import annotations

from .columns import COLUMNS, HEADERS, Column, match_header
from .exporter import export_sheet, sheet_rows
from .importer import SheetImportError, SheetImportResult, import_sheet
from .sheet import SheetError, SheetReadError

__all__ = [
    "COLUMNS",
    "HEADERS",
    "Column",
    "SheetError",
    "SheetImportError",
    "SheetImportResult",
    "SheetReadError",
    "export_sheet",
    "import_sheet",
    "match_header",
    "sheet_rows",
]
