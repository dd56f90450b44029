"""The sign-in backend: Django's, with the per-request user lookup compiled once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from zhenggai.accounts.models import User
from zhenggai.core.db import ByKey


def _user_query(pk: int) -> QuerySet[User]:
    return User._default_manager.filter(pk=pk)


_USER = ByKey(_user_query)


class AccountBackend(ModelBackend):
    """``ModelBackend`` (password sign-in, ``is_active``), but every signed-in request's
    user row is read by :class:`~zhenggai.core.db.ByKey` instead of a fresh ORM query."""

    def get_user(self, user_id: Any) -> User | None:
        user = _USER.get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
