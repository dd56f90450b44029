"""API tokens and outgoing webhooks (endpoints and their deliveries)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of the secret is stored.

    The token a client sends is ``zg_<prefix>_<secret>``; ``prefix`` finds the row
    (unique index) and the hash of the whole token is compared in constant time.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


class WebhookAlgorithm(models.TextChoices):
    HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256"
    HMAC_SM3 = "hmac-sm3", "HMAC-SM3"


class WebhookEvent(models.TextChoices):
    MEASURE_SUBMITTED = "measure.submitted", _("措施提交审核")
    MEASURE_APPROVED = "measure.approved", _("分管领导审核通过")
    MEASURE_RETURNED = "measure.returned", _("措施被退回")
    MEASURE_CLOSED = "measure.closed", _("措施销号")
    MEASURE_REOPENED = "measure.reopened", _("措施重新打开")
    LIGHT_RED = "measure.light_red", _("措施亮红灯(逾期)")
    REPORT_PUBLISHED = "report.published", _("整改报告公开")
    ORDER_ISSUED = "order.issued", _("督办单下发")
    ORDER_ANSWERED = "order.answered", _("督办单反馈")


class WebhookEndpoint(models.Model):
    """A URL an organisation registered to receive events of its own units (or those below it)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("地址"), max_length=500)
    # Kept in clear because signing needs it; it is never logged nor returned after creation.
    secret = models.CharField(max_length=100)
    events = models.JSONField(_("事件"), default=list)
    algorithm = models.CharField(
        _("签名算法"),
        max_length=20,
        choices=WebhookAlgorithm.choices,
        default=WebhookAlgorithm.HMAC_SHA256,
    )
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("Webhook地址")
        verbose_name_plural = _("Webhook地址")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(algorithm__in=WebhookAlgorithm.values),
                name="webhook_algorithm_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SUCCEEDED = "succeeded", _("已送达")
    FAILED = "failed", _("已放弃")


class WebhookDelivery(models.Model):
    """One event for one endpoint, retried with backoff until it succeeds or gives up.

    ``event_id`` is the same on every attempt and on manual redelivery, so that the
    receiver can drop what it has already processed.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4)
    event = models.CharField(_("事件"), max_length=50)
    payload = models.JSONField()
    status = models.CharField(
        _("状态"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    response_code = models.PositiveIntegerField(_("响应码"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("Webhook投递")
        verbose_name_plural = _("Webhook投递")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.PENDING) | Q(next_attempt_at__isnull=False),
                name="webhook_delivery_pending_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="webhook_delivery_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"
