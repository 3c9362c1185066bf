"""Pages of omnichannel intake: the live wallboard."""

from django.urls import path  # noqa: F401

app_name = "omnichannel"

urlpatterns: list = []
