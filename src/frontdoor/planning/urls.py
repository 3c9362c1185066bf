"""Pages of planning: forecasts, staffing, the capacity gap, scenarios, simulation, rosters,
avoidable demand and outbound campaigns."""

from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.home, name="home"),
    path("queues/<slug:queue_id>/", views.forecast, name="forecast"),
    path("queues/<slug:queue_id>/staffing/", views.staffing, name="staffing"),
    path(
        "queues/<slug:queue_id>/rostered/",
        views.enter_rostered_staff,
        name="enter-rostered-staff",
    ),
    path("queues/<slug:queue_id>/settings/", views.queue_settings, name="queue-settings"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/remove/", views.remove_event, name="remove-event"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/<int:pk>/", views.scenario, name="scenario"),
    path("scenarios/<int:pk>/delete/", views.delete_scenario, name="delete-scenario"),
    path("simulation/", views.simulation, name="simulation"),
    path("rosters/", views.rosters, name="rosters"),
    path("rosters/setup/", views.roster_setup, name="roster-setup"),
    path("rosters/<int:pk>/", views.roster, name="roster"),
    path("rosters/<int:pk>/publish/", views.publish_roster, name="publish-roster"),
    path("shift-patterns/", views.add_shift_pattern, name="add-shift-pattern"),
    path(
        "shift-patterns/<int:pk>/remove/",
        views.remove_shift_pattern,
        name="remove-shift-pattern",
    ),
    path("staff/<int:pk>/", views.staff_profile, name="staff-profile"),
    path("avoidable/", views.avoidable, name="avoidable"),
    path("avoidable/assumptions/", views.avoidable_assumptions, name="avoidable-assumptions"),
    path("avoidable/services/<slug:service_id>/", views.online_reasons, name="online-reasons"),
    path("outbound/", views.outbound, name="outbound"),
    path("outbound/<int:pk>/", views.campaign, name="campaign"),
    path("outbound/<int:pk>/response/", views.campaign_response, name="campaign-response"),
    path("outbound/<int:pk>/sent/", views.campaign_sent, name="campaign-sent"),
    path("outbound/<int:pk>/delete/", views.delete_campaign, name="delete-campaign"),
]
