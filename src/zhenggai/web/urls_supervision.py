"""Supervision and dashboard pages, included into the ``web`` namespace."""

from django.urls import path

from zhenggai.web.views import dashboards, supervision

urlpatterns = [
    path("inbox/", supervision.inbox, name="supervision.inbox"),
    path("inbox/<int:pk>/open/", supervision.inbox_open, name="supervision.inbox.open"),
    path("settings/reminders/", supervision.preferences, name="supervision.preferences"),
    path("extensions/", supervision.extension_list, name="supervision.extensions"),
    path(
        "measures/<int:pk>/extension/",
        supervision.extension_request,
        name="supervision.extension.request",
    ),
    path(
        "extensions/<int:pk>/decide/",
        supervision.extension_decide,
        name="supervision.extension.decide",
    ),
    path("orders/", supervision.order_list, name="supervision.orders"),
    path("inspections/<int:pk>/orders/new/", supervision.order_new, name="supervision.order.new"),
    path("orders/<int:pk>/", supervision.order_detail, name="supervision.order"),
    path("orders/<int:pk>/docx/", supervision.order_download, name="supervision.order.docx"),
    path(
        "orders/<int:pk>/docx/<int:step>/",
        supervision.order_download,
        name="supervision.order.notice.docx",
    ),
    path("orders/<int:pk>/<str:act>/", supervision.order_act, name="supervision.order.act"),
    path("followups/", supervision.followup_list, name="supervision.followups"),
    path("followups/<int:pk>/", supervision.followup_detail, name="supervision.followup"),
    path(
        "followup-items/<int:pk>/result/",
        supervision.followup_result,
        name="supervision.followup.result",
    ),
    path("dashboard/", dashboards.office_dashboard, name="dashboard"),
    path("dashboard/round/<int:pk>/", dashboards.round_dashboard, name="dashboard.round"),
    path("dashboard/round/<int:pk>/csv/", dashboards.round_csv, name="dashboard.round.csv"),
    path("dashboard/inspection/<int:pk>/", dashboards.unit_dashboard, name="dashboard.unit"),
    path("dashboard/inspection/<int:pk>/csv/", dashboards.unit_csv, name="dashboard.unit.csv"),
]
