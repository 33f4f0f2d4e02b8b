from django.urls import path

from clearance.views import bottlenecks

# Included by clearance.urls at "bottlenecks/", so the names live in the "clearance" namespace.
urlpatterns = [
    path("", bottlenecks.summary, name="bottlenecks"),
    path("overdue/", bottlenecks.overdue, name="bottleneck_overdue"),
    path("stuck/", bottlenecks.stuck, name="bottleneck_stuck"),
    path("enforcement/", bottlenecks.enforcement, name="bottleneck_enforcement"),
    path("complaints/", bottlenecks.complaints, name="bottleneck_complaints"),
    path("unreported/", bottlenecks.unreported, name="bottleneck_unreported"),
]
