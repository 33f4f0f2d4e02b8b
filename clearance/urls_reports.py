from django.urls import path

from clearance.views import reports, weekly

# Included by clearance.urls at "reports/", so the names live in the "clearance" namespace.
urlpatterns = [
    path("", reports.report_list, name="report_list"),
    path("new/", reports.report_new, name="report_new"),
    path("<int:pk>/", reports.report_detail, name="report_detail"),
    path("<int:pk>/correct/", reports.report_correct, name="report_correct"),
    path("<int:pk>/review/", reports.report_review, name="report_review"),
    path("weekly/", weekly.weekly_report, name="weekly_report"),
]
