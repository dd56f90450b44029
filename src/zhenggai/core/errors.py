"""The domain error raised by services when a rule forbids an action."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the change. ``message`` is translated; ``english`` is not."""

    def __init__(self, message: str, english: str = "", *, field: str | None = None) -> None:
        self.message = str(message)
        self.english = english
        self.field = field
        super().__init__(self.message if not english else f"{self.message} / {english}")
