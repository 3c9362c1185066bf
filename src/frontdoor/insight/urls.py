"""Pages of insight: the performance dashboards, imports and publishing."""

from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("families/<slug:family_id>/", views.family, name="family"),
    path("services/<slug:service_id>/", views.service, name="service"),
    path("trends/", views.trends, name="trends"),
    path("demand/", views.demand, name="demand"),
]
