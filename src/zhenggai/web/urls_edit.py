"""Pages that build the ledger and record outcomes (included into the ``web`` namespace)."""

from django.urls import path

from zhenggai.web.views import edit, outcomes

urlpatterns = [
    path("inspections/<int:pk>/categories/add/", edit.CategoryAdd.as_view(), name="category.add"),
    path("inspections/<int:pk>/problems/add/", edit.ProblemAdd.as_view(), name="problem.add"),
    path("problems/<int:pk>/measures/add/", edit.MeasureAdd.as_view(), name="measure.add"),
    path("measures/<int:pk>/edit/", edit.MeasureEdit.as_view(), name="measure.edit"),
    path("measures/<int:pk>/milestones/add/", edit.MilestoneAdd.as_view(), name="milestone.add"),
    path("milestones/<int:pk>/done/", edit.MilestoneDone.as_view(), name="milestone.done"),
    path("inspections/<int:pk>/plan/approve/", edit.PlanApprove.as_view(), name="plan.approve"),
    path("inspections/<int:pk>/outcomes/", outcomes.outcomes, name="outcomes"),
    path(
        "inspections/<int:pk>/outcomes/accountability/add/",
        outcomes.AccountabilityAdd.as_view(),
        name="accountability.add",
    ),
    path(
        "inspections/<int:pk>/outcomes/institutions/add/",
        outcomes.InstitutionAdd.as_view(),
        name="institution.add",
    ),
    path(
        "inspections/<int:pk>/outcomes/recoveries/add/",
        outcomes.RecoveryAdd.as_view(),
        name="recovery.add",
    ),
]

#: The navigation shows these pages under 整改台账.
LEDGER_EDIT_PAGES = {pattern.name for pattern in urlpatterns}
