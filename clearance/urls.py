from django.urls import path

app_name = "clearance"
urlpatterns: list = []
