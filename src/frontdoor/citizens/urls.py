"""Pages of the CRM."""

from django.urls import path  # noqa: F401

app_name = "citizens"

urlpatterns: list = []
