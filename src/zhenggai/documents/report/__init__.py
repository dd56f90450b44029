"""Reports: the unit's progress report and the office's round summary.

``figures`` computes the numbers (shared with the dashboards), ``compose`` and
``roundsum`` build a format-free :class:`ReportDocument`, ``docx``/``pdf``/``plain``
write it, ``services`` stores, publishes and exports snapshots, ``feedback`` handles
the public's messages. See ``docs/reports.md``.
"""

from __future__ import annotations

from .document import Block, Kind, ReportDocument
from .figures import (
    InspectionFigures,
    RoundFigures,
    completion_rate,
    inspection_figures,
    round_figures,
)

__all__ = [
    "Block",
    "InspectionFigures",
    "Kind",
    "ReportDocument",
    "RoundFigures",
    "completion_rate",
    "inspection_figures",
    "round_figures",
]
