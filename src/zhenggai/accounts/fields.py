"""A model field whose value is encrypted at rest (see :mod:`zhenggai.accounts.crypto`).

The database holds only the sealed form. Loading a row does not decrypt anything: the
value is opened on first access of the attribute, so pages that never show the field
(every request loads ``request.user``) pay nothing. Sealed values cannot be searched or
filtered by content.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from zhenggai.accounts import crypto


class Sealed(str):
    """The stored form of a value, not yet opened."""


class _OpeningAttribute(DeferredAttribute):
    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = crypto.decrypt(value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        # A data descriptor: __get__ runs even when the value is in the instance's dict.
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    descriptor_class = _OpeningAttribute

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or isinstance(value, Sealed):
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        # Equality on ciphertext with a random IV never matches; only null checks make sense.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)
