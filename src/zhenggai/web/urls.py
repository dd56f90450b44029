"""The pages, with namespaced dotted names (``web:measure.progress.add``)."""

from django.urls import include, path

from zhenggai.web.views import actions, auth, home, ledger, measure, overview, reviews

app_name = "web"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("", home.home, name="home"),
    path("inspections/", ledger.inspections, name="inspections"),
    path("inspections/<int:pk>/ledger/", ledger.ledger, name="ledger"),
    path("problems/<int:pk>/", ledger.problem_detail, name="problem.detail"),
    path("measures/<int:pk>/", measure.measure_detail, name="measure.detail"),
    path(
        "measures/<int:pk>/progress/",
        actions.ReportProgress.as_view(),
        name="measure.progress.add",
    ),
    path("measures/<int:pk>/submit/", actions.Submit.as_view(), name="measure.submit"),
    path(
        "measures/<int:pk>/leader/approve/",
        actions.LeaderApprove.as_view(),
        name="measure.leader.approve",
    ),
    path(
        "measures/<int:pk>/leader/return/",
        actions.LeaderReturn.as_view(),
        name="measure.leader.return",
    ),
    path("measures/<int:pk>/close/", actions.Close.as_view(), name="measure.close"),
    path(
        "measures/<int:pk>/close/return/",
        actions.CloseReturn.as_view(),
        name="measure.close.return",
    ),
    path("measures/<int:pk>/reopen/", actions.Reopen.as_view(), name="measure.reopen"),
    path("evidence/<int:pk>/download/", measure.evidence_download, name="evidence.download"),
    path("reviews/", reviews.reviews, name="reviews"),
    path("overview/", overview.overview, name="overview"),
    path("", include("zhenggai.web.urls_edit")),
    path("", include("zhenggai.web.urls_supervision")),
    path("", include("zhenggai.web.urls_security")),
    path("", include("zhenggai.web.urls_documents")),
]
