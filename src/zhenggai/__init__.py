"""Zhenggai (整改): inspection and audit rectification ledger, workflow and reports."""

__version__ = "0.1.0"
