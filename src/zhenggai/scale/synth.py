"""A synthetic province: organisation tree, people, rounds and a full ledger per unit.

Province jurisdiction → city jurisdictions → units → departments. Every unit has a
secretary, two leaders, a coordinator, an inspector and one user per department;
usernames are predictable (``u{n}_leader``). Each unit is inspected once, in one of
its city's rounds over the last five years: older rounds are mostly closed, the
current ones mostly open, some overdue. Rows are written in bulk with ids chosen
here (see :mod:`zhenggai.scale.writer`); one audit entry records the whole run.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from zhenggai.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from zhenggai.audit.log import record
from zhenggai.ledger import tally
from zhenggai.ledger.models import (
    Accountability,
    Category,
    Evidence,
    Inspection,
    Institution,
    Measure,
    Milestone,
    Problem,
    ProgressUpdate,
    Recovery,
    Review,
    Round,
)
from zhenggai.scale import texts
from zhenggai.scale.ledger_rows import LedgerBuilder, UnitPeople
from zhenggai.scale.writer import Table, bulk_session, flush, reset_sequences, start_ids

UNIT_ROLES = ("secretary", "leader", "leader2", "coordinator", "inspector")


@dataclass
class SynthConfig:
    units: int
    seed: int = 1
    measures_per_problem: int = 4
    problems_per_unit: int = 30
    departments_per_unit: int = 5
    progress_per_measure: int = 5
    today: dt.date | None = None
    password: str = ""
    prefix: str = ""
    chunk_units: int = 100
    real_files: int = 5
    cities: int = 0  # 0: one city per 50 units, at most 13


@dataclass
class SynthResult:
    counts: dict[str, int]
    seconds: float
    password: str
    password_generated: bool
    province_id: int
    examples: list[str] = field(default_factory=list)


def build_tables() -> dict[str, Table]:
    """The tables the generator writes, in the order they are flushed (parents first)."""
    through = Measure.supporting_departments.through
    specs: list[tuple[str, Any, tuple[str, ...]]] = [
        ("organisation", Organisation, ("id", "name", "short_name", "kind", "parent", "path")),
        (
            "user",
            User,
            (
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "display_name",
                "title",
            ),
        ),
        ("membership", Membership, ("id", "user", "organisation", "role")),
        ("round", Round, ("id", "jurisdiction", "name", "year", "kind", "created_at")),
        (
            "inspection",
            Inspection,
            (
                "id",
                "round",
                "unit",
                "unit_name",
                "team",
                "period_start",
                "period_end",
                "feedback_date",
                "plan_due",
                "report_due",
                "report_date",
                "issuer",
                "organisation_text",
                "next_steps_text",
                "contact",
                "plan_approved_at",
                "plan_approved_by",
                "source_name",
                "created_at",
            ),
        ),
        ("category", Category, ("id", "inspection", "number", "position", "title")),
        (
            "problem",
            Problem,
            (
                "id",
                "inspection",
                "category",
                "number",
                "position",
                "text",
                "stated_planned",
                "stated_done",
                "stated_text",
                "status",
                "is_public",
                "created_at",
            ),
        ),
        (
            "measure",
            Measure,
            (
                "id",
                "inspection",
                "problem",
                "position",
                "group",
                "text",
                "kind",
                "responsible_leader",
                "lead_department",
                "deadline",
                "status",
                "submitted_by",
                "submitted_at",
                "closed_at",
                "last_progress_at",
                "reopened_count",
                "version",
                "created_at",
            ),
        ),
        ("supporting", through, ("measure", "organisation")),
        ("milestone", Milestone, ("id", "measure", "position", "title", "due_date", "done_on")),
        (
            "progress",
            ProgressUpdate,
            (
                "id",
                "measure",
                "author",
                "text",
                "is_completion_claim",
                "created_at",
            ),
        ),
        (
            "evidence",
            Evidence,
            (
                "id",
                "uuid",
                "measure",
                "progress",
                "file",
                "original_name",
                "sha256",
                "size",
                "content_type",
                "uploaded_by",
                "uploaded_at",
            ),
        ),
        (
            "review",
            Review,
            (
                "id",
                "measure",
                "stage",
                "decision",
                "reason",
                "reviewer",
                "submitter",
                "created_at",
            ),
        ),
        (
            "accountability",
            Accountability,
            (
                "id",
                "inspection",
                "problem",
                "form",
                "people",
                "description",
                "decided_on",
                "recorded_by",
                "created_at",
            ),
        ),
        (
            "institution",
            Institution,
            (
                "id",
                "inspection",
                "problem",
                "title",
                "kind",
                "document_number",
                "issued_on",
                "recorded_by",
                "created_at",
            ),
        ),
        (
            "recovery",
            Recovery,
            (
                "id",
                "inspection",
                "problem",
                "amount_yuan",
                "description",
                "recorded_on",
                "recorded_by",
                "created_at",
            ),
        ),
    ]
    tables = {key: Table(model, fields) for key, model, fields in specs}
    extension = _extension_model()
    if extension is not None and any(f.name == "extended_deadline" for f in Measure._meta.fields):
        tables["measure"].fields = (*tables["measure"].fields, "extended_deadline")
        tables["extension"] = Table(extension, EXTENSION_FIELDS)
    return tables


EXTENSION_FIELDS = (
    "id",
    "measure",
    "current_deadline",
    "requested_deadline",
    "reason",
    "requested_by",
    "requested_at",
    "status",
    "decided_by",
    "decided_at",
    "decision_reason",
)


def _extension_model() -> Any:
    """The extension request model (延期申请) when the supervision app provides it."""
    from django.apps import apps

    try:
        return apps.get_model("supervision", "ExtensionRequest")
    except LookupError:
        return None


@dataclass(frozen=True)
class RoundInfo:
    id: int
    city_index: int
    year: int
    feedback: dt.date


class Generator:
    def __init__(self, config: SynthConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.today = config.today or timezone.localdate()
        self.now = timezone.now()
        self.tables = build_tables()
        self.password_hash = ""
        self.rounds_by_city: dict[int, list[RoundInfo]] = {}
        self.cities: list[tuple[int, str, str]] = []  # (id, path, name)
        self.province_id = 0

    # ------------------------------------------------------------ tree and people

    def _org(
        self, name: str, kind: str, parent: int | None, parent_path: str, short: str = ""
    ) -> tuple[int, str]:
        org_id = self.tables["organisation"].allocate()
        path = f"{parent_path}{org_id}/"
        self.tables["organisation"].add((org_id, name, short, kind, parent, path))
        return org_id, path

    def _user(self, username: str, display: str, title: str = "") -> int:
        user_id = self.tables["user"].allocate()
        self.tables["user"].add(
            (
                user_id,
                self.password_hash,
                None,
                False,
                username,
                "",
                "",
                "",
                False,
                True,
                self.now,
                display,
                title,
            )
        )
        return user_id

    def _grant(self, user_id: int, org_id: int, role: str) -> None:
        self.tables["membership"].add((self.tables["membership"].allocate(), user_id, org_id, role))

    def _person(self) -> str:
        rng = self.rng
        return rng.choice(texts.SURNAMES) + rng.choice(texts.GIVEN) + rng.choice(texts.GIVEN)

    def build_top(self) -> None:
        cfg = self.config
        n_cities = cfg.cities or min(len(texts.CITIES), max(1, cfg.units // 50))
        self.province_id, province_path = self._org(
            f"模拟省委巡视工作领导小组办公室(合成数据 {cfg.seed})",
            OrganisationKind.JURISDICTION,
            None,
            "/",
            "模拟省委巡视办",
        )
        office = self._user(f"{cfg.prefix}province_office", f"省委巡视办 {self._person()}")
        self._grant(office, self.province_id, Role.OFFICE)
        for c in range(n_cities):
            name = texts.CITIES[c % len(texts.CITIES)] + ("" if c < len(texts.CITIES) else str(c))
            city_id, city_path = self._org(
                f"中共{name}市委巡察工作领导小组办公室",
                OrganisationKind.JURISDICTION,
                self.province_id,
                province_path,
                f"{name}市委巡察办",
            )
            self.cities.append((city_id, city_path, name))
            user = self._user(f"{cfg.prefix}c{c + 1}_office", f"{name}市委巡察办 {self._person()}")
            self._grant(user, city_id, Role.OFFICE)
            self.rounds_by_city[c] = self._rounds(c, city_id)

    def _rounds(self, city_index: int, city_id: int) -> list[RoundInfo]:
        rounds: list[RoundInfo] = []
        last = self.today - dt.timedelta(days=1)
        for year in range(self.today.year - 4, self.today.year + 1):
            bases = [dt.date(year, 4, 15), dt.date(year, 9, 15)]
            if year == self.today.year:
                bases.append(self.today - dt.timedelta(days=12))
            for k, base in enumerate(bases, start=1):
                if base > last or (k == 3 and base <= bases[1]):
                    continue
                round_id = self.tables["round"].allocate()
                created = dt.datetime.combine(base - dt.timedelta(days=150), dt.time(1), dt.UTC)
                self.tables["round"].add(
                    (round_id, city_id, f"{year}年第{k}轮巡察", year, "xuncha", created)
                )
                rounds.append(RoundInfo(round_id, city_index, year, base))
        return rounds

    def build_unit(self, index: int) -> tuple[UnitPeople, RoundInfo]:
        cfg, rng = self.config, self.rng
        city_index = index % len(self.cities)
        city_id, city_path, city_name = self.cities[city_index]
        agency = texts.AGENCIES[index % len(texts.AGENCIES)]
        unit_name = f"{city_name}市{agency}(单位{index + 1})"
        unit_id, unit_path = self._org(unit_name, OrganisationKind.UNIT, city_id, city_path)
        people: dict[str, int] = {}
        for role in UNIT_ROLES:
            user = self._user(f"{cfg.prefix}u{index + 1}_{role}", self._person(), role)
            people[role] = user
            self._grant(user, unit_id, role.rstrip("2"))
        departments: list[int] = []
        dept_users: list[int] = []
        for k in range(cfg.departments_per_unit):
            dept_name = texts.DEPARTMENTS[k % len(texts.DEPARTMENTS)] + (
                "" if k < len(texts.DEPARTMENTS) else str(k)
            )
            dept_id, _ = self._org(dept_name, OrganisationKind.DEPARTMENT, unit_id, unit_path)
            user = self._user(f"{cfg.prefix}u{index + 1}_d{k + 1}", f"{dept_name} {self._person()}")
            self._grant(user, dept_id, Role.DEPARTMENT)
            departments.append(dept_id)
            dept_users.append(user)
        unit = UnitPeople(
            unit_id=unit_id,
            name=unit_name,
            secretary=people["secretary"],
            leaders=(people["leader"], people["leader2"]),
            coordinator=people["coordinator"],
            inspector=people["inspector"],
            departments=departments,
            dept_users=dept_users,
        )
        return unit, rng.choice(self.rounds_by_city[city_index])

    # ------------------------------------------------------------ the run

    def run(self) -> SynthResult:
        cfg = self.config
        started = time.monotonic()
        generated = not cfg.password
        password = cfg.password or secrets.token_urlsafe(9)
        self.password_hash = make_password(password)
        self._check_free()
        with bulk_session():
            counts = self._generate()
        # Triggers may have been off while loading: count the overdue measures afresh.
        tally.refresh_all(timezone.localdate())
        seconds = round(time.monotonic() - started, 1)
        # The audit entry is written with the normal checks and triggers back on.
        record(
            "synth.generated",
            organisation_id=self.province_id,
            after={"units": cfg.units, "seed": cfg.seed, "seconds": seconds, "rows": counts},
        )
        examples = [f"{cfg.prefix}province_office", f"{cfg.prefix}c1_office"] + [
            f"{cfg.prefix}u1_{role}" for role in (*UNIT_ROLES, "d1")
        ]
        return SynthResult(counts, seconds, password, generated, self.province_id, examples)

    def _generate(self) -> dict[str, int]:
        """Every row, in chunks of units (one transaction each); returns the row counts."""
        cfg = self.config
        start_ids(self.tables.values())
        ledger = LedgerBuilder(self.tables, self.rng, self.today, cfg)
        with transaction.atomic():
            self.build_top()
            self._flush()
        for first in range(0, cfg.units, cfg.chunk_units):
            with transaction.atomic():
                for index in range(first, min(cfg.units, first + cfg.chunk_units)):
                    unit, rnd = self.build_unit(index)
                    ledger.inspection(unit, rnd.id, rnd.feedback)
                self._flush()
        with transaction.atomic():
            reset_sequences(self.tables.values())
            ledger.write_real_files()
        return {key: table.written for key, table in self.tables.items()}

    def _flush(self) -> None:
        for table in self.tables.values():
            flush(table)

    def _check_free(self) -> None:
        taken = User.objects.filter(
            username__in=[f"{self.config.prefix}province_office", f"{self.config.prefix}u1_leader"]
        ).exists()
        if taken:
            from zhenggai.core.errors import DomainError

            raise DomainError(
                "这些合成用户名已存在,请换一个 --prefix。",
                "Synthetic usernames already exist; use another --prefix.",
            )


def generate(config: SynthConfig) -> SynthResult:
    return Generator(config).run()
