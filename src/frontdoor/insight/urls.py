"""Pages of insight: the performance dashboards, imports and publishing."""

from django.urls import path  # noqa: F401

app_name = "insight"

urlpatterns: list = []
