"""Checks 15–18: what is audited, append-only in the database, purge, daily copy, verify."""

from __future__ import annotations

import datetime as dt
import json
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from tests.audit.test_log import raw
from tests.security.conftest import sign_in
from tests.world import PDF, World, make_user, pdf_file
from zhenggai.audit.guard import ENTRY_TABLE, maintenance
from zhenggai.audit.log import record, verify_chain
from zhenggai.audit.models import AuditCheckpoint, AuditEntry
from zhenggai.audit.retention import RetentionError, compare_copies, copy_days, purge
from zhenggai.ledger.services import workflow


def sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("TABLE", ENTRY_TABLE), params)


# ------------------------------------------------------------------ check 16: the database refuses


def test_a_raw_update_is_refused_by_the_database(db) -> None:
    entry = record("x.happened")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("UPDATE TABLE SET action = %s WHERE id = %s", "nothing", entry.pk)
    assert AuditEntry.objects.get(pk=entry.pk).action == "x.happened"


def test_a_raw_delete_is_refused_by_the_database(db) -> None:
    entry = record("x.happened")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("DELETE FROM TABLE WHERE id = %s", entry.pk)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_even_the_purge_permit_does_not_delete_young_rows(db) -> None:
    entry = record("x.happened", at=timezone.now() - dt.timedelta(days=179))
    with pytest.raises(DatabaseError, match="append-only"), maintenance("purge"):
        sql("DELETE FROM TABLE WHERE id = %s", entry.pk)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_checkpoints_cannot_be_changed(db) -> None:
    point = AuditCheckpoint.objects.create(
        created_at=timezone.now(), first_id=1, anchor="0" * 64, purged=1, cutoff=timezone.now()
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditcheckpoint SET anchor = 'x' WHERE id = %s", [point.pk]
            )


def test_the_admin_has_no_audit_log(world: World) -> None:
    client = Client()
    client.force_login(world.sysadmin)
    assert client.get("/admin/audit/auditentry/").status_code == 404


# ------------------------------------------------------------------ check 16: the verify command


def test_verify_passes_on_an_intact_log(db) -> None:
    record("a")
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_verify_names_the_edited_entry_and_fails(db) -> None:
    entries = [record(f"e{i}") for i in range(3)]
    raw("UPDATE TABLE SET action = %s WHERE id = %s", "forged", entries[1].pk)
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", stderr=err)
    assert caught.value.returncode == 1
    assert str(entries[1].pk) in str(caught.value) and f"entry {entries[1].pk}" in err.getvalue()


# ------------------------------------------------------------------ check 17: retention


def _aged(days: int, action: str) -> AuditEntry:
    return record(action, at=timezone.now() - dt.timedelta(days=days))


def test_the_purge_keeps_179_days_and_removes_181(db) -> None:
    old = _aged(181, "old.one")
    young = _aged(179, "young.one")
    recent = record("today")
    result = purge()
    assert result.purged == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk__in=[young.pk, recent.pk]).count() == 2
    assert list(verify_chain()) == []  # still verifiable from the checkpoint
    entry = AuditEntry.objects.get(action="audit.purged")
    assert entry.after["anchor"] == old.hash and entry.after["first_id"] == young.pk


def test_the_purge_never_goes_below_180_days(db, settings) -> None:
    with pytest.raises(RetentionError):
        purge(days=179)
    with pytest.raises(CommandError):
        call_command("audit", "purge", "--days", "90")
    from zhenggai.settings.env import ConfigError, env_int

    with pytest.raises(ConfigError):
        import os

        os.environ["ZHENGGAI_AUDIT_RETENTION_DAYS_T"] = "30"
        try:
            env_int("ZHENGGAI_AUDIT_RETENTION_DAYS_T", 180, minimum=180)
        finally:
            del os.environ["ZHENGGAI_AUDIT_RETENTION_DAYS_T"]


def test_the_purge_stops_at_the_first_young_entry(db) -> None:
    first = _aged(200, "old.a")
    _aged(10, "young.b")
    late = _aged(300, "old.but.later")  # written later with an older time: kept
    purge()
    assert not AuditEntry.objects.filter(pk=first.pk).exists()
    assert AuditEntry.objects.filter(pk=late.pk).exists()
    assert list(verify_chain()) == []


def test_a_forged_checkpoint_is_detected(db) -> None:
    _aged(181, "old")
    record("new")
    purge()
    AuditCheckpoint.objects.create(
        created_at=timezone.now(), first_id=1, anchor="f" * 64, purged=5, cutoff=timezone.now()
    )
    assert [b.reason for b in verify_chain()][:1] == ["checkpoint"]


def test_the_purge_command_with_dry_run_deletes_nothing(db) -> None:
    old = _aged(181, "old")
    record("new")
    out = StringIO()
    call_command("audit", "purge", "--dry-run", stdout=out)
    assert "1" in out.getvalue() and AuditEntry.objects.filter(pk=old.pk).exists()


# ------------------------------------------------------------------ check 18: the daily copy


def test_the_daily_copy_writes_each_day_once_with_its_digest(db, tmp_path: Path) -> None:
    yesterday = timezone.now() - dt.timedelta(days=1)
    a = record("day.one", at=yesterday - dt.timedelta(days=1))
    b = record("day.two", at=yesterday)
    written = copy_days(tmp_path)
    assert len(written) == 2
    lines = [json.loads(line) for line in written[-1].read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == [b.pk] and lines[0]["hash"] == b.hash
    assert not written[0].stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert (tmp_path / f"{written[0].name}.sha256").exists()
    assert copy_days(tmp_path) == []  # nothing new: never rewritten
    assert list(compare_copies(tmp_path)) == []
    assert a.pk


def test_the_copy_reveals_an_entry_rewritten_and_rehashed_in_the_database(
    db, tmp_path: Path
) -> None:
    target = record("measure.closed", at=timezone.now() - dt.timedelta(days=1))
    record("later")
    copy_days(tmp_path)
    raw("UPDATE TABLE SET hash = %s WHERE id = %s", "f" * 64, target.pk)
    assert [m.reason for m in compare_copies(tmp_path)] == ["changed"]
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--copies", str(tmp_path), stderr=StringIO())


def test_the_copy_command(db, tmp_path: Path) -> None:
    record("x", at=timezone.now() - dt.timedelta(days=1))
    out = StringIO()
    call_command("audit", "copy", "--to", str(tmp_path), stdout=out)
    assert "audit-" in out.getvalue()


# ------------------------------------------------------------------ check 15: what is audited


def test_each_event_writes_an_entry_with_who_where_what_and_outcome(world: World, as_user) -> None:
    client = Client(REMOTE_ADDR="198.51.100.20")
    sign_in(client, "dept", "wrong-Passw0rd")
    sign_in(client, "dept")
    measure = world.a.measures[0]
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    client.post(f"/measures/{measure.pk}/progress/", {"text": "进展", "files": [upload]})
    evidence = measure.evidence.first()
    client.get(f"/evidence/{evidence.pk}/download/")
    client.get(f"/measures/{world.b.measures[0].pk}/")  # another unit: 404, audited
    client.post("/logout/")
    auditor = as_user("auditadmin")
    auditor.get("/security/audit/export/?format=csv")
    workflow.submit_for_review(measure=measure, actor=world.dept, text="完成")
    workflow.leader_review(measure=measure, actor=world.leader, approve=True)
    by_action = {e.action: e for e in AuditEntry.objects.order_by("id")}
    for action in (
        "login.failed",
        "login.succeeded",
        "evidence.uploaded",
        "evidence.downloaded",
        "access.not_found",
        "logout",
        "audit.exported",
        "measure.approved_by_leader",
        "membership.granted",
    ):
        assert action in by_action, action
    failed = by_action["login.failed"]
    assert (failed.success, failed.ip) == (False, "198.51.100.20")
    ok = by_action["login.succeeded"]
    assert (ok.success, ok.actor_id, ok.object_type) == (True, world.dept.pk, "User")
    assert ok.at.tzinfo is not None
    assert by_action["access.not_found"].success is False


def test_a_refused_change_leaves_a_failure_entry_after_the_rollback(world: World, as_user) -> None:
    measure = world.a.measures[0]
    as_user("inspector").post(f"/measures/{measure.pk}/close/", {"reason": "x"})
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.actor_id == world.inspector.pk and not entry.success
    assert entry.after["path"] == f"/measures/{measure.pk}/close/"


def test_role_changes_are_audited(world: World) -> None:
    from zhenggai.accounts.services import grant_role, revoke_role

    user = make_user("someone")
    membership = grant_role(
        user=user, organisation=world.a.org, role="leader", actor=world.secadmin
    )
    revoke_role(membership=membership, actor=world.secadmin)
    actions = AuditEntry.objects.filter(object_type="Membership").order_by("id")
    assert list(actions.values_list("action", flat=True))[-2:] == [
        "membership.granted",
        "membership.revoked",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_flush_command_still_empties_the_database() -> None:
    record("x", actor=make_user("someone"))
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()


def test_workflow_evidence_fixture(world: World) -> None:
    workflow.report_progress(
        measure=world.a.measures[0], actor=world.dept, text="x", files=[pdf_file()]
    )
    assert AuditEntry.objects.filter(action="evidence.uploaded").exists()
