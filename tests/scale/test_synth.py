"""The synthetic province: counts, tree paths, workflow-consistent statuses, one audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from zhenggai.accounts.models import Membership, Organisation, OrganisationKind, User
from zhenggai.accounts.permissions import visible_measures
from zhenggai.audit.log import verify_chain
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.models import (
    Evidence,
    Inspection,
    Measure,
    MeasureStatus,
    Problem,
    ProgressUpdate,
    Review,
    ReviewDecision,
    ReviewStage,
)
from zhenggai.ledger.services.common import derive_problem_status
from zhenggai.scale.synth import SynthConfig, generate

TODAY = dt.date(2026, 11, 28)
UNITS = 4


@pytest.fixture
def province(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    config = SynthConfig(
        units=UNITS, seed=7, today=TODAY, password="Synth-Passw0rd!", chunk_units=3
    )
    return generate(config)


def test_counts_follow_the_configuration(province) -> None:
    assert Organisation.objects.filter(kind=OrganisationKind.UNIT).count() == UNITS
    assert Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).count() == UNITS * 5
    assert Inspection.objects.count() == UNITS
    problems = Problem.objects.count()
    assert 27 * UNITS <= problems <= 33 * UNITS
    measures = Measure.objects.count()
    assert 3.5 <= measures / problems <= 4.5
    started = Measure.objects.exclude(status=MeasureStatus.DRAFT).count()
    assert 4 <= ProgressUpdate.objects.count() / started <= 6
    assert Evidence.objects.count() > 0
    assert province.counts["measure"] == measures
    for unit in Organisation.objects.filter(kind=OrganisationKind.UNIT):
        roles = set(Membership.objects.filter(organisation=unit).values_list("role", flat=True))
        assert {"secretary", "leader", "coordinator", "inspector"} <= roles


def test_paths_are_materialised(province) -> None:
    by_id = {o.pk: o for o in Organisation.objects.all()}
    for org in by_id.values():
        parent = by_id.get(org.parent_id)
        expected = f"{parent.path if parent else '/'}{org.pk}/"
        assert org.path == expected


def test_statuses_are_consistent_with_the_workflow(province) -> None:
    pairs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for m in Measure.objects.all():
        pairs[m.problem_id].append((m.kind, m.status))
        assert m.inspection_id == Problem.objects.get(pk=m.problem_id).inspection_id
        if m.status == MeasureStatus.CLOSED:
            assert m.closed_at is not None and m.closed_at.date() < TODAY
            stages = set(m.reviews.values_list("stage", "decision"))
            assert (ReviewStage.LEADER, ReviewDecision.APPROVED) in stages
            assert (ReviewStage.CLOSURE, ReviewDecision.APPROVED) in stages
            assert m.progress_updates.filter(is_completion_claim=True).exists()
        else:
            assert m.closed_at is None
        if m.status in (MeasureStatus.SUBMITTED, MeasureStatus.APPROVED):
            assert m.submitted_by_id is not None
        if m.status == MeasureStatus.DRAFT:
            assert not m.progress_updates.exists()
    for problem in Problem.objects.all():
        assert problem.status == derive_problem_status(pairs[problem.pk])
    statuses = set(Measure.objects.values_list("status", flat=True))
    assert {MeasureStatus.CLOSED, MeasureStatus.IN_PROGRESS} <= statuses
    assert Review.objects.filter(decision=ReviewDecision.RETURNED).exclude(reason="").exists()
    overdue = Measure.objects.exclude(status=MeasureStatus.CLOSED).filter(deadline__lt=TODAY)
    assert overdue.exists()


def test_reviews_never_review_own_submission_and_follow_the_claim(province) -> None:
    for review in Review.objects.select_related("measure"):
        assert review.reviewer_id != review.submitter_id
        claim = review.measure.progress_updates.filter(is_completion_claim=True).first()
        assert claim is not None and review.created_at > claim.created_at


def test_users_sign_in_and_see_their_scope(province) -> None:
    leader = authenticate(username="u1_leader", password="Synth-Passw0rd!")
    assert leader is not None
    office = User.objects.get(username="province_office")
    assert visible_measures(office).count() == Measure.objects.count()
    unit_id = Membership.objects.get(user=leader, role="leader").organisation_id
    assert set(visible_measures(leader).values_list("inspection__unit_id", flat=True)) == {unit_id}


def test_one_audit_entry_per_run_and_the_chain_holds(province) -> None:
    entries = AuditEntry.objects.filter(action="synth.generated")
    assert entries.count() == 1
    assert entries.get().after["rows"]["measure"] == province.counts["measure"]
    assert list(verify_chain()) == []


def test_a_few_evidence_rows_carry_real_files(province) -> None:
    for evidence in Evidence.objects.order_by("pk")[:5]:
        with evidence.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == evidence.sha256


def test_the_command_prints_the_username_scheme(db, capsys, settings, tmp_path) -> None:
    settings.ZHENGGAI_DEMO_PASSWORD = "Synth-Passw0rd!"
    call_command(
        "synth", "--units", "1", "--problems-per-unit", "3", "--prefix", "t_", "--real-files", "0"
    )
    out = capsys.readouterr().out
    assert "t_u{unit}_secretary" in out and "t_u1_leader" in out
    assert "ZHENGGAI_DEMO_PASSWORD" in out
    assert User.objects.filter(username="t_u1_coordinator").exists()
    with pytest.raises(CommandError, match="--prefix"):
        call_command("synth", "--units", "1", "--prefix", "t_")


def test_some_measures_have_approved_extensions_beside_the_original_deadline(province) -> None:
    from django.apps import apps

    try:
        extension = apps.get_model("supervision", "ExtensionRequest")
    except LookupError:
        pytest.skip("no extension model")
    approved = extension.objects.filter(status="approved").select_related("measure")
    assert approved.exists()
    for request in approved:
        assert request.current_deadline == request.measure.deadline
        assert request.measure.extended_deadline == request.requested_deadline
        assert request.requested_deadline > request.current_deadline
        assert request.decided_by_id != request.requested_by_id
    extended = Measure.objects.filter(extended_deadline__isnull=False).count()
    assert extended == approved.count()


def test_every_reference_points_at_a_row(province) -> None:
    """The generator writes with the foreign-key triggers off (PostgreSQL, superuser):
    every reference it wrote must still point at an existing row."""
    from django.apps import apps
    from django.db import models

    checked = 0
    for model in apps.get_models():
        if model._meta.app_label not in {"accounts", "ledger", "supervision", "audit"}:
            continue
        relations = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
        for field in relations:
            target = field.related_model._default_manager.values("pk")
            rows = model._default_manager.exclude(**{f"{field.attname}__isnull": True})
            orphans = rows.exclude(**{f"{field.attname}__in": target}).count()
            assert orphans == 0, f"{model.__name__}.{field.name}: {orphans} rows point nowhere"
            checked += 1
    for through in (Measure.supporting_departments.through,):
        assert not through.objects.exclude(measure_id__in=Measure.objects.values("pk")).exists()
    assert checked > 20


def test_the_connection_checks_foreign_keys_again_after_the_run(province) -> None:
    from django.db import IntegrityError, connection, transaction

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "origin"
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.filter(pk=Measure.objects.first().pk).update(problem_id=10**9)
        connection.check_constraints()


def test_the_tally_counts_what_was_loaded(province) -> None:
    """The generator loads with triggers off where it may; the tally is counted afterwards."""
    from django.db import connection
    from django.utils import timezone

    from zhenggai.ledger.models import InspectionTally
    from zhenggai.web.lights import overdue_q

    if connection.vendor != "postgresql":
        assert not InspectionTally.objects.exists()  # SQLite counts live
        return
    today = timezone.localdate()
    rows = {row.inspection_id: (row.overdue, row.as_of) for row in InspectionTally.objects.all()}
    expected = {
        inspection.pk: (
            Measure.objects.filter(overdue_q(today), inspection=inspection).count(),
            today,
        )
        for inspection in Inspection.objects.all()
    }
    assert rows == expected
    assert sum(overdue for overdue, _ in rows.values()) > 0
