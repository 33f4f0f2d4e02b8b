"""Case updates, mounted at /cases/ in the clearance namespace; local staff and admins only."""

from django.urls import path

from clearance.views import case_updates

urlpatterns = [
    path("<int:pk>/advance/", case_updates.case_advance, name="case_advance"),
    path("<int:pk>/event/", case_updates.case_event, name="case_event"),
    path("<int:pk>/payment/", case_updates.case_payment, name="case_payment"),
    path("<int:pk>/complaints/new/", case_updates.case_complaint, name="case_complaint"),
    path(
        "<int:pk>/complaints/<int:complaint_pk>/resolve/",
        case_updates.case_complaint_resolve,
        name="case_complaint_resolve",
    ),
]
