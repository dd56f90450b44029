"""The unit's leaders and departments looked up by the names a sheet uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhenggai.accounts.models import Organisation, OrganisationKind, Role, User
from zhenggai.ledger.models import Inspection, Measure

from .sheet import SheetRow


class Names:
    """The unit's leaders and departments, looked up by the names a sheet uses."""

    def __init__(self, inspection: Inspection) -> None:
        self.leaders: dict[str, list[User]] = {}
        leaders = User.objects.filter(
            memberships__organisation_id=inspection.unit_id, memberships__role=Role.LEADER
        ).distinct()
        for user in leaders:
            for name in {user.display_name or user.username, user.username}:
                self.leaders.setdefault(name, []).append(user)
        self.departments: dict[str, list[Organisation]] = {}
        for dept in Organisation.objects.filter(
            kind=OrganisationKind.DEPARTMENT, parent_id=inspection.unit_id
        ):
            for name in {dept.name, dept.short_name} - {""}:
                self.departments.setdefault(name, []).append(dept)

    def leader(self, row: SheetRow) -> User | None:
        """The one 分管领导 of the unit the row names, or ``None`` when the cell is empty."""
        if not row.leader:
            return None
        found = self.leaders.get(row.leader, [])
        if len(found) != 1:
            zh = "不是本单位的分管领导" if not found else "与多名领导重名"
            en = "is not a leader of this unit" if not found else "matches several leaders"
            raise RowError("leader", f"“{row.leader}”{zh}", f"“{row.leader}” {en}")
        return found[0]

    def department(self, name: str) -> Organisation:
        """The one department of the unit called ``name``."""
        found = self.departments.get(name, [])
        if len(found) != 1:
            zh = "不是本单位的部门" if not found else "与多个部门重名"
            en = "is not a department of this unit" if not found else "matches several departments"
            raise RowError("department", f"“{name}”{zh}", f"“{name}” {en}")
        return found[0]


def current_value(measure: Measure, name: str) -> Any:
    """A field of ``measure`` to compare, a foreign key by id (no query for the object)."""
    if name in ("responsible_leader", "lead_department"):
        key = getattr(measure, f"{name}_id")
        model = User if name == "responsible_leader" else Organisation
        return model(pk=key) if key is not None else None
    return getattr(measure, name)


class RowError(Exception):
    """A row refers to something the unit does not have (a leader, a department)."""

    def __init__(self, column: str | None, zh: str, en: str) -> None:
        self.column, self.zh, self.en = column, zh, en
        super().__init__(zh)


@dataclass
class Resolved:
    """A row with its leader and departments found."""

    row: SheetRow
    leader: User | None
    lead: Organisation | None
    supporting: list[Organisation]
