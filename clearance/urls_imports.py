from django.urls import path

from clearance.views import imports

# Mounted at /imports/ inside the "clearance" namespace.
urlpatterns = [
    path("", imports.import_start, name="import_start"),
    path("template/", imports.import_template, name="import_template"),
    path("<int:pk>/", imports.import_preview_page, name="import_preview"),
    path("<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
]
