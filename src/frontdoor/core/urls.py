from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("services/", views.services, name="services"),
    path("calendar/", views.calendar, name="calendar"),
    path("council/settings/", views.council_settings, name="council-settings"),
    path("calendar/closures/", views.add_closure_day, name="add-closure-day"),
    path(
        "calendar/closures/<int:pk>/remove/",
        views.remove_closure_day,
        name="remove-closure-day",
    ),
]
