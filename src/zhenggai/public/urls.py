"""The public portal (no login): published reports and the feedback channel."""

from django.urls import path

from zhenggai.public import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("report.css", views.report_css, name="report.css"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/download.docx", views.download, name="report.download"),
    path("reports/<int:pk>/feedback/", views.feedback, name="report.feedback"),
    path("feedback/", views.lookup, name="feedback.lookup"),
    path("feedback/<str:receipt>/", views.feedback_status, name="feedback.status"),
]
