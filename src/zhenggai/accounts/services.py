"""Writes on organisations, users and memberships."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhenggai.accounts.models import (
    ADMIN_ROLES,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from zhenggai.audit.log import record
from zhenggai.core.errors import DomainError

_PARENT_KIND = {
    OrganisationKind.UNIT: OrganisationKind.JURISDICTION,
    OrganisationKind.DEPARTMENT: OrganisationKind.UNIT,
}


@transaction.atomic
def create_organisation(
    *,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    short_name: str = "",
    actor: Any = None,
) -> Organisation:
    """Create a node of the tree and set its materialised path.

    A unit hangs under a jurisdiction, a department under a unit; jurisdictions
    may nest (province → city → county).
    """
    expected = _PARENT_KIND.get(OrganisationKind(kind))
    if parent is None and kind != OrganisationKind.JURISDICTION:
        raise DomainError(_("单位和处室必须有上级组织。"), "A unit or department needs a parent.")
    if parent is not None and expected is not None and parent.kind != expected:
        raise DomainError(
            _("%(kind)s 的上级必须是 %(parent)s。")
            % {"kind": OrganisationKind(kind).label, "parent": expected.label},
            f"The parent of a {kind} must be a {expected}.",
        )
    if parent is not None and kind == OrganisationKind.JURISDICTION and parent.kind != kind:
        raise DomainError(_("管辖机构只能挂在管辖机构下。"), "A jurisdiction nests only in one.")
    org = Organisation.objects.create(name=name, short_name=short_name, kind=kind, parent=parent)
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    record("organisation.created", actor=actor, obj=org, after={"name": name, "kind": kind})
    return org


@transaction.atomic
def grant_role(
    *, user: User, organisation: Organisation, role: str, actor: Any = None
) -> Membership:
    """Give ``user`` a role at ``organisation``; the role must fit the node's kind."""
    role = Role(role)
    allowed = {
        Role.OFFICE: {OrganisationKind.JURISDICTION},
        Role.DEPARTMENT: {OrganisationKind.DEPARTMENT},
    }.get(role, {OrganisationKind.UNIT} if role not in ADMIN_ROLES else set(OrganisationKind))
    if organisation.kind not in allowed:
        raise DomainError(
            _("角色“%(role)s”不能授予在%(kind)s上。")
            % {"role": role.label, "kind": organisation.get_kind_display()},
            f"Role {role} cannot be held at a {organisation.kind}.",
        )
    others = Membership.objects.filter(user=user, role__in=ADMIN_ROLES).exclude(
        organisation=organisation, role=role
    )
    if role in ADMIN_ROLES and others.exists():
        raise DomainError(
            _("同一账号不能兼任系统管理员、安全管理员、审计管理员中的两个。"),
            "No account may hold two of the three administrator roles.",
        )
    _check_separation(user=user, role=role, actor=actor)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        record(
            "membership.granted",
            actor=actor,
            obj=membership,
            organisation_id=organisation.pk,
            after={"user": user.username, "organisation": organisation.name, "role": role.value},
        )
    return membership


def _check_separation(*, user: User, role: Role, actor: Any) -> None:
    """三员分立: nobody changes their own roles; an administrator holds no business role."""
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise DomainError(_("不能修改自己的角色。"), "Nobody may change their own roles.")
    held = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    is_admin = role in ADMIN_ROLES
    if (is_admin and held - ADMIN_ROLES) or (not is_admin and held & ADMIN_ROLES):
        raise DomainError(
            _("管理员账号不能同时担任业务角色。"),
            "An administrator account cannot also hold a business role.",
        )


@transaction.atomic
def revoke_role(*, membership: Membership, actor: Any = None) -> None:
    """Take a role away (audited); the counterpart of :func:`grant_role`."""
    if actor is not None and getattr(actor, "pk", None) == membership.user_id:
        raise DomainError(_("不能修改自己的角色。"), "Nobody may change their own roles.")
    record(
        "membership.revoked",
        actor=actor,
        obj=membership,
        organisation_id=membership.organisation_id,
        before={
            "user": membership.user.username,
            "organisation": membership.organisation.name,
            "role": membership.role,
        },
    )
    membership.delete()


def reveal_personal(*, subject: User, actor: Any) -> dict[str, str]:
    """The unmasked phone and ID number of ``subject``: for the person and the security
    administrator only, and every reading is written to the audit log (check 29)."""
    from zhenggai.accounts.permissions import scope_of

    allowed = actor.pk == subject.pk or Role.SECADMIN in scope_of(actor).admin_roles
    record(
        "personal.revealed",
        actor=actor,
        obj=subject,
        success=allowed,
        after={"fields": ["phone", "id_number"], "subject": subject.username},
    )
    if not allowed:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return {"phone": subject.phone or "", "id_number": subject.id_number or ""}
