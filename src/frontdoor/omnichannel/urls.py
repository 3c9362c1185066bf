"""Pages of omnichannel intake: the live wallboard, and the queues' tier rules."""

from django.urls import path

from . import views

app_name = "omnichannel"

urlpatterns = [
    path("", views.wallboard, name="wallboard"),
    path("tiers/", views.tier_rules, name="tier-rules"),
    path("tiers/<slug:queue_id>/", views.edit_tier_rules, name="tier-rules-queue"),
]
