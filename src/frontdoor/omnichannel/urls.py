"""Pages of omnichannel intake: the live wallboard."""

from django.urls import path

from . import views

app_name = "omnichannel"

urlpatterns = [
    path("", views.wallboard, name="wallboard"),
]
