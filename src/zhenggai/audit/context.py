"""Per-request context (address) for audit entries, set by middleware."""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("zhenggai_audit_ip", default=None)
