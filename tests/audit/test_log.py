"""The audit log: append-only, hash-chained, and verifiable (docs/audit-log.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from tests.world import make_user
from zhenggai.audit.context import current_ip
from zhenggai.audit.guard import drop_sql, install_sql
from zhenggai.audit.log import ChainBreak, record, verify_chain
from zhenggai.audit.middleware import RequestContextMiddleware
from zhenggai.audit.models import AuditChainHead, AuditEntry, AuditLogIsAppendOnly

GENESIS = "0" * 64
T = dt.datetime(2026, 11, 28, 8, 30, 15, 123456, tzinfo=dt.UTC)


@pytest.fixture
def chain(db) -> list[AuditEntry]:
    """Five entries with varied content, written at known times."""
    user = make_user("zhangsan")
    return [
        record("round.created", actor=user, after={"name": "2026年第一轮", "year": 2026}, at=T),
        record(
            "measure.submitted",
            actor=user,
            organisation_id=7,
            before={"status": "in_progress"},
            after={"status": "submitted", "deadline": dt.date(2026, 12, 31)},
            at=T + dt.timedelta(seconds=1),
        ),
        record("evidence.downloaded", actor=None, success=False, at=T + dt.timedelta(seconds=2)),
        record(
            "recovery.recorded",
            actor=user,
            after={"amount_yuan": "12.30"},
            at=T + dt.timedelta(seconds=3),
        ),
        record(
            "measure.closed",
            actor=user,
            before={"status": "approved"},
            after={"status": "closed"},
            at=T + dt.timedelta(seconds=4),
        ),
    ]


def raw(sql: str, *params: object) -> None:
    """Run SQL as the database owner would: with the append-only triggers dropped first
    (they refuse such statements otherwise, see tests/security/test_audit_store.py)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in drop_sql(vendor):
            cursor.execute(statement)
        cursor.execute(sql.replace("TABLE", AuditEntry._meta.db_table), params)
        for statement in install_sql(vendor):
            if not statement.lstrip().startswith(("CREATE TABLE", "CREATE OR REPLACE")):
                cursor.execute(statement)


def test_entries_link_to_their_predecessor(chain: list[AuditEntry]) -> None:
    stored = list(AuditEntry.objects.order_by("id"))
    assert [e.pk for e in stored] == [e.pk for e in chain]
    assert stored[0].prev_hash == GENESIS
    for previous, entry in zip(stored, stored[1:], strict=False):
        assert entry.prev_hash == previous.hash
    assert AuditChainHead.objects.get(pk=1).last_hash == stored[-1].hash
    assert len({e.hash for e in stored}) == len(stored)


def test_the_hash_covers_the_previous_hash_and_the_fields(chain: list[AuditEntry]) -> None:
    entry = AuditEntry.objects.get(pk=chain[1].pk)
    canonical = json.dumps(
        {
            "at": "2026-11-28T08:30:16.123456+00:00",
            "actor": entry.actor_id,
            "actor_name": "zhangsan",
            "ip": None,
            "action": "measure.submitted",
            "object_type": "",
            "object_id": "",
            "organisation_id": 7,
            "success": True,
            "before": {"status": "in_progress"},
            "after": {"status": "submitted", "deadline": "2026-12-31"},
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    assert entry.hash == hashlib.sha256((chain[0].hash + canonical).encode()).hexdigest()


def test_an_intact_log_verifies(chain: list[AuditEntry]) -> None:
    assert list(verify_chain()) == []
    assert list(verify_chain(batch=2)) == []  # across batch boundaries


def test_an_empty_log_verifies(db) -> None:
    assert list(verify_chain()) == []


def test_a_row_changed_in_the_database_is_reported(chain: list[AuditEntry]) -> None:
    target = chain[2]
    raw("UPDATE TABLE SET action = %s WHERE id = %s", "nothing.happened", target.pk)
    assert list(verify_chain()) == [ChainBreak(target.pk, "hash")]


def test_a_row_changed_and_rehashed_breaks_the_next_link(chain: list[AuditEntry]) -> None:
    target = AuditEntry.objects.get(pk=chain[2].pk)
    target.success = True
    forged = target.compute_hash()
    raw("UPDATE TABLE SET success = %s, hash = %s WHERE id = %s", True, forged, target.pk)
    assert list(verify_chain(batch=3)) == [ChainBreak(chain[3].pk, "link")]


def test_a_row_deleted_in_the_middle_is_reported(chain: list[AuditEntry]) -> None:
    raw("DELETE FROM TABLE WHERE id = %s", chain[1].pk)
    assert list(verify_chain()) == [ChainBreak(chain[2].pk, "link")]


def test_the_newest_rows_deleted_are_reported(chain: list[AuditEntry]) -> None:
    raw("DELETE FROM TABLE WHERE id >= %s", chain[3].pk)
    assert list(verify_chain()) == [ChainBreak(chain[2].pk, "head")]


def test_a_rolled_back_change_leaves_no_entry_and_no_fork(chain: list[AuditEntry]) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        record("measure.closed")
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == len(chain)
    entry = record("measure.closed")
    assert entry.prev_hash == chain[-1].hash
    assert list(verify_chain()) == []


# ------------------------------------------------------------------ append-only


def test_the_log_cannot_be_changed_or_deleted_through_the_orm(chain: list[AuditEntry]) -> None:
    entry = AuditEntry.objects.get(pk=chain[0].pk)
    entry.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(action="measure.closed").delete()
    assert AuditEntry.objects.count() == len(chain)
    assert AuditEntry.objects.get(pk=entry.pk).action == "round.created"
    assert list(verify_chain()) == []


# ------------------------------------------------------------------ who and from where


def test_the_actor_is_named_and_control_characters_are_escaped(db) -> None:
    evil = make_user("alice\n2026-11-28 root login\x1b[31m\u202e")
    entry = AuditEntry.objects.get(pk=record("login.failed", actor=evil, success=False).pk)
    assert entry.actor_id == evil.pk
    assert entry.actor_name == "alice\\n2026-11-28 root login\\x1b[31m\\u202e"
    assert not any(ch in entry.actor_name for ch in "\n\r\x1b\u202e")
    assert list(verify_chain()) == []


def test_chinese_names_stay_readable_and_backslashes_are_unambiguous(db) -> None:
    assert record("x", actor=make_user("张三")).actor_name == "张三"
    assert record("x", actor=make_user("a\\nb")).actor_name == "a\\\\nb"


@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_an_entry_without_a_signed_in_actor_is_by_the_system(db, actor) -> None:
    entry = record("periodic.sweep", actor=actor)
    assert (entry.actor_id, entry.actor_name) == (None, "system")


def test_the_client_address_from_the_context_is_recorded(db) -> None:
    token = current_ip.set("203.0.113.7")
    try:
        entry = record("evidence.downloaded")
    finally:
        current_ip.reset(token)
    assert AuditEntry.objects.get(pk=entry.pk).ip == "203.0.113.7"
    assert record("after.the.request").ip is None


def test_the_middleware_sets_the_address_for_the_request_only(db) -> None:
    seen: list[AuditEntry] = []

    def view(request) -> HttpResponse:
        seen.append(record("evidence.downloaded"))
        return HttpResponse("ok")

    middleware = RequestContextMiddleware(view)
    middleware(RequestFactory().get("/", REMOTE_ADDR="198.51.100.9"))
    assert AuditEntry.objects.get(pk=seen[0].pk).ip == "198.51.100.9"
    assert current_ip.get() is None


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("2001:DB8:0:0::1", "2001:db8::1"),  # non-canonical IPv6 spelling
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),
        ("", None),  # a unix-socket server gives an empty REMOTE_ADDR
        ("/run/zhenggai.sock", None),
        (" 192.0.2.1 ", "192.0.2.1"),
    ],
)
def test_the_address_is_stored_as_hashed(db, address: str, stored: str | None) -> None:
    token = current_ip.set(address)
    try:
        entry = record("evidence.downloaded")
    finally:
        current_ip.reset(token)
    assert AuditEntry.objects.get(pk=entry.pk).ip == stored
    assert list(verify_chain()) == []


def test_a_time_in_another_zone_is_stored_as_hashed(db) -> None:
    local = dt.datetime(2026, 11, 28, 16, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    entry = record("measure.closed", at=local)
    assert AuditEntry.objects.get(pk=entry.pk).at == local
    assert list(verify_chain()) == []
