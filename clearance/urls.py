from django.urls import include, path

from clearance.views import browse, overview, progress

app_name = "clearance"
urlpatterns = [
    path("", overview.overview, name="overview"),
    path("zones/", overview.zone_list, name="zone_list"),
    path("zones/<int:pk>/", overview.zone_detail, name="zone_detail"),
    path("cases/", browse.case_list, name="case_list"),
    path("cases/<int:pk>/", browse.case_detail, name="case_detail"),
    path("progress/", progress.breakdown, name="progress_breakdown"),
    path("progress/reports/", progress.report_checks, name="report_checks"),
    path("cases/", include("clearance.urls_case_updates")),
    path("reports/", include("clearance.urls_reports")),
    path("imports/", include("clearance.urls_imports")),
    path("bottlenecks/", include("clearance.urls_bottlenecks")),
]
