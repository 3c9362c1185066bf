"""Pages of published committee tables (mounted at /performance/published/)."""

from django.urls import path

from . import publishing_views

app_name = "publishing"

urlpatterns = [
    path("", publishing_views.published_tables, name="tables"),
    path("<int:pk>/", publishing_views.published_table, name="table"),
]
