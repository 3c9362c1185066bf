"""Pages of planning: forecasts, staffing, the capacity gap, scenarios, simulation and rosters."""

from django.urls import path  # noqa: F401

app_name = "planning"

urlpatterns: list = []
