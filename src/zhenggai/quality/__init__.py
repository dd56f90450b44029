"""Quality checks (形式整改体检): rules that find paper rectification in reports and ledgers.

The engine runs named rules (one module each under :mod:`zhenggai.quality.rules`) on a
:class:`~zhenggai.quality.subject.CheckSubject` — a report read from a file or a ledger
from the database — and returns :class:`~zhenggai.quality.engine.Finding` values.
:func:`zhenggai.quality.services.run_checks` stores them as :class:`Flag` rows.
See ``docs/quality.md``.
"""
