"""Pages of contacts: importing contact records."""

from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_report, name="import"),
    path("imports/<int:pk>/rejections.csv", views.import_rejections_csv, name="import-rejections"),
]
