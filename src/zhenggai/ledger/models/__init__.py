"""The ledger's models, one module per aggregate."""

from zhenggai.ledger.models.inspection import Category, Inspection, InspectionKind, Round
from zhenggai.ledger.models.measure import Measure, MeasureKind, MeasureStatus, Milestone
from zhenggai.ledger.models.outcome import (
    Accountability,
    AccountabilityForm,
    Institution,
    InstitutionKind,
    Recovery,
)
from zhenggai.ledger.models.problem import Problem, ProblemStatus
from zhenggai.ledger.models.progress import (
    Evidence,
    ProgressUpdate,
    Review,
    ReviewDecision,
    ReviewStage,
)
from zhenggai.ledger.models.tally import InspectionTally

__all__ = [
    "Accountability",
    "AccountabilityForm",
    "Category",
    "Evidence",
    "Inspection",
    "InspectionKind",
    "InspectionTally",
    "Institution",
    "InstitutionKind",
    "Measure",
    "MeasureKind",
    "MeasureStatus",
    "Milestone",
    "Problem",
    "ProblemStatus",
    "ProgressUpdate",
    "Recovery",
    "Review",
    "ReviewDecision",
    "ReviewStage",
    "Round",
]
