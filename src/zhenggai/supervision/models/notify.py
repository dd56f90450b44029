"""Notifications: the in-app inbox, deliveries per channel, preferences, bots, rate buckets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    SMS = "sms", _("短信")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("未发送")


class Notification(models.Model):
    """One message in a person's inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    item_kind = models.CharField(max_length=20, blank=True)
    item_id = models.BigIntegerField(null=True, blank=True)
    level = models.CharField(_("级别"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One reminder of one item at one level, on one day, to one person, through one channel.

    The unique constraint is what makes reminders idempotent: running the periodic job
    twice on a day, or on two machines at once, cannot send a reminder twice.
    """

    item_kind = models.CharField(max_length=20)
    item_id = models.BigIntegerField()
    level = models.CharField(_("级别"), max_length=20)
    day = models.DateField(_("日期"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    #: Which organisation's bot carries a bot message (the item's unit or department).
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("提醒发送记录")
        verbose_name_plural = _("提醒发送记录")
        constraints = [
            models.UniqueConstraint(
                fields=["item_kind", "item_id", "level", "day", "user", "channel"],
                name="delivery_once_per_day",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="delivery_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["item_kind", "item_id", "level", "day"], name="delivery_item_idx"),
            models.Index(
                fields=["channel"], condition=Q(status="pending"), name="delivery_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_kind}:{self.item_id} {self.level} {self.channel}"


class NotificationPreference(models.Model):
    """The channels a person wants reminders on (the inbox is always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("电子邮件"), default=True)
    wecom = models.BooleanField(_("企业微信群机器人"), default=False)
    dingtalk = models.BooleanField(_("钉钉群机器人"), default=False)
    sms = models.BooleanField(_("短信"), default=False)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("提醒方式")
        verbose_name_plural = _("提醒方式")

    def __str__(self) -> str:
        return str(self.user)

    def channels(self, *, has_email: bool) -> list[str]:
        chosen = [Channel.INBOX.value]
        if self.email and has_email:
            chosen.append(Channel.EMAIL.value)
        if self.wecom:
            chosen.append(Channel.WECOM.value)
        if self.dingtalk:
            chosen.append(Channel.DINGTALK.value)
        if self.sms and self.phone:
            chosen.append(Channel.SMS.value)
        return chosen


class BotKind(models.TextChoices):
    WECOM = "wecom", _("企业微信")
    DINGTALK = "dingtalk", _("钉钉")


class BotWebhook(models.Model):
    """A group bot of an organisation. ``url`` and ``secret`` are secrets: never shown or logged."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="bot_webhooks",
        verbose_name=_("组织"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=BotKind.choices)
    url = models.CharField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="bot_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=BotKind.values), name="bot_kind_valid"),
        ]

    def __str__(self) -> str:
        from zhenggai.supervision.notify.masking import mask_url

        return f"{self.get_kind_display()} {mask_url(self.url)}"


class RateBucket(models.Model):
    """A token bucket persisted in the database, shared by every process (bots, SMS)."""

    key = models.CharField(max_length=100, unique=True)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("发送限流")
        verbose_name_plural = _("发送限流")

    def __str__(self) -> str:
        return self.key
