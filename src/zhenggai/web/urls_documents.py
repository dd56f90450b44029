"""Reports, feedback, quality flags, import and export (included into the ``web`` namespace)."""

from django.urls import path

from zhenggai.web.views import feedback, flags, imports, reports

urlpatterns = [
    # 报告
    path("reports/", reports.reports_index, name="reports"),
    path("inspections/<int:pk>/report/", reports.report_page, name="report"),
    path("inspections/<int:pk>/report/texts/", reports.report_texts, name="report.texts"),
    path("inspections/<int:pk>/report/generate/", reports.report_generate, name="report.generate"),
    path("reports/<int:pk>/", reports.report_version, name="report.version"),
    path("reports/<int:pk>/download/<str:fmt>/", reports.report_download, name="report.download"),
    path("reports/<int:pk>/publish/", reports.report_publish, name="report.publish"),
    path("reports/<int:pk>/withdraw/", reports.report_withdraw, name="report.withdraw"),
    path("rounds/<int:pk>/summary/", reports.round_summary, name="round.summary"),
    # 意见建议
    path("feedback/", feedback.feedback_inbox, name="feedback.inbox"),
    path("feedback/<int:pk>/", feedback.feedback_answer, name="feedback.answer"),
    # 形式整改体检
    path("quality/", flags.flags_overview, name="quality.overview"),
    path("inspections/<int:pk>/quality/", flags.check_page, name="quality.check"),
    path("inspections/<int:pk>/quality/run/", flags.check_run, name="quality.run"),
    path(
        "inspections/<int:pk>/quality/report.<str:fmt>",
        flags.check_download,
        name="quality.download",
    ),
    path("flags/<int:pk>/dismiss/", flags.flag_dismiss, name="flag.dismiss"),
    # 导入、导出
    path("inspections/<int:pk>/import/", imports.import_upload, name="import.upload"),
    path("inspections/<int:pk>/import/preview/", imports.import_preview, name="import.preview"),
    path("inspections/<int:pk>/export.xlsx", imports.ledger_export, name="ledger.export"),
]
