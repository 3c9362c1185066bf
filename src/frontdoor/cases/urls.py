"""Pages of cases, handovers between services, service standards and statutory clocks."""

from django.urls import path  # noqa: F401

app_name = "cases"

urlpatterns: list = []
