from django.urls import path

from zones import views

app_name = "zones"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("zones/<int:pk>/", views.zone_detail, name="zone_detail"),
]
