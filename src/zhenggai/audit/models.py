"""The append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("审计日志不可修改 / the audit log cannot be modified")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("审计日志不可删除 / the audit log cannot be deleted")


class AuditEntry(models.Model):
    """One state change or security event: who, when, what, before and after."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    action = models.CharField(_("事件"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象"), max_length=40, blank=True)
    organisation_id = models.BigIntegerField(_("单位"), null=True, blank=True, db_index=True)
    success = models.BooleanField(_("成功"), default=True)
    before = models.JSONField(_("变更前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("变更后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("审计日志不可修改 / the audit log cannot be modified")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("审计日志不可删除 / the audit log cannot be deleted")

    def payload(self) -> dict[str, Any]:
        """The fields covered by the hash, in a canonical form."""
        return {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "ip": self.ip,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "organisation_id": self.organisation_id,
            "success": self.success,
            "before": self.before,
            "after": self.after,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.payload(),
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256((self.prev_hash + canonical).encode("utf-8")).hexdigest()


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers cannot fork the chain."""

    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链")

    def __str__(self) -> str:
        return self.last_hash


class AuditCheckpoint(models.Model):
    """Where the chain starts after a retention purge.

    The purge deletes the oldest entries; the first entry kept still links to the hash
    of the last one deleted. That hash (``anchor``) and the first kept id are recorded
    here and in the chained ``audit.purged`` entry, so the shortened log still verifies.
    Rows of this table can be neither changed nor deleted (database triggers).
    """

    created_at = models.DateTimeField(_("时间"))
    first_id = models.BigIntegerField(_("保留的第一条"))
    anchor = models.CharField(max_length=64)
    purged = models.BigIntegerField(_("清除条数"))
    cutoff = models.DateTimeField(_("清除此时间之前的记录"))

    class Meta:
        verbose_name = _("审计链检查点")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} first={self.first_id}"
