"""Users, the organisation tree and role memberships (DESIGN §2)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.fields import EncryptedTextField


class OrganisationKind(models.TextChoices):
    JURISDICTION = "jurisdiction", _("管辖机构")
    UNIT = "unit", _("单位")
    DEPARTMENT = "department", _("处室")


class Organisation(models.Model):
    """A node of the tree jurisdiction → unit → department.

    ``path`` is a materialised path ("/1/7/12/") so that "everything under this
    jurisdiction" is one indexed prefix filter instead of a recursive walk.
    """

    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=OrganisationKind.JURISDICTION) | Q(parent__isnull=False),
                name="organisation_only_jurisdiction_is_root",
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="organisation_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_id_for_scope(self) -> int | None:
        """The unit this node belongs to (itself for a unit, its parent for a department)."""
        if self.kind == OrganisationKind.UNIT:
            return self.pk
        if self.kind == OrganisationKind.DEPARTMENT:
            return self.parent_id
        return None


class User(AbstractUser):
    """A person who signs in. Roles come from :class:`Membership` rows."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    # 等保 身份鉴别 (docs/security.md): initial passwords are changed at first login,
    # passwords expire, and the demo's accounts are marked as such.
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"), default=False, db_default=False
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示账号"), default=False, db_default=False, editable=False)
    # Personal data, encrypted at rest and shown masked (docs/security.md §personal data).
    phone = EncryptedTextField(_("手机号"), null=True, blank=True)
    id_number = EncryptedTextField(_("身份证号"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @staticmethod
    def label_sql(alias: str) -> str:
        """``str(user)`` as an SQL expression over the user table aliased ``alias``."""
        return (
            f"CASE WHEN {alias}.display_name = '' THEN {alias}.username "
            f"ELSE {alias}.display_name END"
        )

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class Role(models.TextChoices):
    OFFICE = "office", _("巡察办")
    SECRETARY = "secretary", _("主要负责人")
    LEADER = "leader", _("分管领导")
    COORDINATOR = "coordinator", _("整改办")
    DEPARTMENT = "department", _("责任处室")
    INSPECTOR = "inspector", _("纪检监察")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")


#: The 三员 of 等保 level 3: no account may hold two of them.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})
#: Roles held at unit level (the organisation of the membership is a unit).
UNIT_ROLES = frozenset({Role.SECRETARY, Role.LEADER, Role.COORDINATOR, Role.INSPECTOR})


class Membership(models.Model):
    """(user, organisation, role): the only source of a user's rights."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("角色成员")
        verbose_name_plural = _("角色成员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            # 权限分离: at most one of the 三员 roles per account.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=["sysadmin", "secadmin", "auditadmin"]),
                name="membership_one_admin_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


# ---------------------------------------------------------------- sign-in security


class LockKind(models.TextChoices):
    ACCOUNT = "account", _("账号")
    ADDRESS = "address", _("地址")


class LoginFailure(models.Model):
    """One failed sign-in (wrong password or code), kept only to count towards a lock.

    ``username`` is the name as typed (normalised), whether or not such an account exists,
    so that an unknown name locks exactly like a real one.
    """

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True, default=timezone.now)

    class Meta:
        verbose_name = _("登录失败")
        verbose_name_plural = _("登录失败")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M:%S}"


class LoginLock(models.Model):
    """A temporary lock of an account name or a client address."""

    kind = models.CharField(max_length=10, choices=LockKind.choices)
    key = models.CharField(max_length=150)
    until = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")
        indexes = [models.Index(fields=["kind", "key", "until"], name="loginlock_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} → {self.until:%Y-%m-%d %H:%M}"


class TotpDevice(models.Model):
    """The user's TOTP authenticator (RFC 6238). The secret is encrypted at rest."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField()
    confirmed = models.BooleanField(default=False)
    #: The last accepted 30-second time step: a code is accepted once, never again.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")

    def __str__(self) -> str:
        return f"TOTP · {self.user_id}"
