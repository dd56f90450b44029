"""Checks 9, 10 and 11: the 三员 are each limited to their own functions; read-only roles."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tests.world import World, make_user
from zhenggai.accounts.models import Membership, Role
from zhenggai.accounts.services import grant_role, revoke_role
from zhenggai.audit.models import AuditEntry
from zhenggai.core.errors import DomainError

BUSINESS_PAGES = ["/inspections/", "/reviews/", "/overview/"]


def business_urls(world: World) -> list[str]:
    measure = world.a.measures[0]
    return [
        *BUSINESS_PAGES,
        f"/inspections/{world.a.inspection.pk}/ledger/",
        f"/problems/{world.a.problems[0].pk}/",
        f"/measures/{measure.pk}/",
    ]


# ------------------------------------------------------------------ 系统管理员


def test_sysadmin_reaches_the_admin(world: World, as_user) -> None:
    client = as_user("sysadmin")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_sysadmin_cannot_grant_roles(world: World, as_user) -> None:
    client = as_user("sysadmin")
    assert client.get("/security/roles/").status_code == 403
    data = {"username": "dept", "organisation": world.a.org.pk, "role": "coordinator"}
    assert client.post("/security/roles/grant/", data).status_code == 403
    assert client.get("/admin/accounts/membership/").status_code == 404  # not in the admin
    assert not Membership.objects.filter(user=world.dept, role="coordinator").exists()


def test_sysadmin_cannot_read_the_audit_log(world: World, as_user) -> None:
    client = as_user("sysadmin")
    assert client.get("/security/audit/").status_code == 403
    assert client.get("/security/audit/export/").status_code == 403
    assert client.get("/admin/audit/auditentry/").status_code == 404


def test_sysadmin_cannot_read_personal_data(world: World, as_user) -> None:
    world.dept.phone = "13812341234"
    world.dept.save(update_fields=["phone"])
    client = as_user("sysadmin")
    page = client.get(f"/admin/accounts/user/{world.dept.pk}/change/").content.decode()
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "13812341234" not in page + listing and "138****1234" in listing
    assert client.post(f"/security/users/{world.dept.pk}/", {"action": "reveal"}).status_code == 403


# ------------------------------------------------------------------ 安全管理员


def test_secadmin_grants_and_revokes_roles(world: World, as_user) -> None:
    client = as_user("secadmin")
    newcomer = make_user("newcomer")
    assert client.get("/security/roles/").status_code == 200
    data = {"username": "newcomer", "organisation": world.a.org.pk, "role": "leader"}
    assert client.post("/security/roles/grant/", data).status_code == 302
    membership = Membership.objects.get(user=newcomer, role="leader")
    assert client.post(f"/security/roles/{membership.pk}/revoke/").status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = list(AuditEntry.objects.filter(actor=world.secadmin).values_list("action", flat=True))
    assert "membership.granted" in actions and "membership.revoked" in actions


def test_secadmin_cannot_read_the_audit_log(world: World, as_user) -> None:
    client = as_user("secadmin")
    assert client.get("/security/audit/").status_code == 403
    assert client.get("/security/audit/export/?format=csv").status_code == 403
    assert client.post("/security/audit/verify/").status_code == 403


def test_secadmin_sees_no_business_data(world: World, as_user) -> None:
    client = as_user("secadmin")
    for url in business_urls(world):
        assert client.get(url).status_code in (403, 404), url
    assert client.get("/admin/", follow=True).status_code == 403


def test_secadmin_cannot_change_their_own_roles(world: World) -> None:
    with pytest.raises(DomainError, match="自己"):
        grant_role(
            user=world.secadmin,
            organisation=world.jurisdiction,
            role=Role.OFFICE,
            actor=world.secadmin,
        )
    with pytest.raises(DomainError, match="自己"):
        revoke_role(membership=world.secadmin.memberships.get(), actor=world.secadmin)


# ------------------------------------------------------------------ 审计管理员


def test_auditadmin_reads_and_exports_the_audit_log_only(world: World, as_user) -> None:
    client = as_user("auditadmin")
    assert client.get("/security/audit/").status_code == 200
    assert client.get("/security/audit/export/?format=csv").status_code == 200
    assert client.get("/security/roles/").status_code == 403
    assert client.get(f"/security/users/{world.dept.pk}/").status_code == 403
    assert client.get("/admin/", follow=True).status_code == 403
    for url in business_urls(world):
        assert client.get(url).status_code in (403, 404), url


# ------------------------------------------------------------------ check 10


@pytest.mark.parametrize("second", [Role.SYSADMIN, Role.AUDITADMIN])
def test_no_account_holds_two_admin_roles_even_in_the_database(world: World, second: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=world.secadmin, organisation=world.jurisdiction, role=second)


def test_an_admin_account_holds_no_business_role(world: World) -> None:
    with pytest.raises(DomainError, match="业务角色"):
        grant_role(
            user=world.auditadmin, organisation=world.a.org, role=Role.LEADER, actor=world.secadmin
        )
    with pytest.raises(DomainError, match="业务角色"):
        grant_role(
            user=world.dept,
            organisation=world.jurisdiction,
            role=Role.SYSADMIN,
            actor=world.secadmin,
        )


def test_the_grant_page_refuses_a_second_admin_role(world: World, as_user) -> None:
    data = {"username": "sysadmin", "organisation": world.jurisdiction.pk, "role": "auditadmin"}
    as_user("secadmin").post("/security/roles/grant/", data)
    assert list(world.sysadmin.memberships.values_list("role", flat=True)) == ["sysadmin"]
    refused = AuditEntry.objects.get(action="membership.grant_refused")
    assert not refused.success


# ------------------------------------------------------------------ check 11


@pytest.mark.parametrize("persona", ["inspector", "office"])
def test_read_only_viewers_get_403_on_every_write(world: World, as_user, persona: str) -> None:
    measure = world.a.measures[0]
    client = as_user(persona)
    for action in (
        "progress",
        "submit",
        "leader/approve",
        "leader/return",
        "close",
        "close/return",
    ):
        response = client.post(f"/measures/{measure.pk}/{action}/", {"text": "x", "reason": "x"})
        assert response.status_code == 403, action
    assert (
        AuditEntry.objects.filter(action="access.denied", actor=world.users[persona]).count() == 6
    )
