"""Pages of cases: worklists, the case page and its actions, opening a case, handovers."""

from django.urls import path, re_path

from . import views

app_name = "cases"

REFERENCE = r"(?P<reference>CAS-\d{4}-\d{6})"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("overdue/", views.overdue, name="overdue"),
    path("due-soon/", views.due_soon, name="due-soon"),
    path("escalations/", views.escalations, name="escalations"),
    path(
        "escalations/<int:pk>/acknowledge/",
        views.acknowledge_escalation,
        name="acknowledge-escalation",
    ),
    path("new/", views.new_case, name="new"),
    path("handovers/", views.handovers, name="handovers"),
    path("handovers/<int:pk>/accept/", views.accept_handover, name="accept"),
    path("handovers/<int:pk>/bounce/", views.bounce_handover, name="bounce"),
    path("reports/handovers/", views.handover_report, name="handover-report"),
    path("reports/kpis/", views.case_kpis, name="kpis"),
    path("updates/", views.updates, name="updates"),
    path("updates/switch/", views.switch_updates, name="switch-updates"),
    path("updates/defaults/", views.default_updates, name="default-updates"),
    path("types/", views.case_types, name="types"),
    # Before the type's own pages: "new" is never a type's id.
    path("types/new/", views.new_case_type, name="new-type"),
    path("types/<slug:type_id>/", views.edit_case_type, name="type"),
    path("types/<slug:type_id>/retire/", views.retire_case_type, name="retire-type"),
    path("types/<slug:type_id>/reinstate/", views.reinstate_case_type, name="reinstate-type"),
    path("types/<slug:type_id>/delete/", views.delete_case_type, name="delete-type"),
    re_path(rf"^{REFERENCE}/$", views.case_detail, name="case"),
    re_path(rf"^{REFERENCE}/status/$", views.change_status, name="status"),
    re_path(rf"^{REFERENCE}/note/$", views.add_note, name="note"),
    re_path(rf"^{REFERENCE}/clock/$", views.record_clock_event, name="clock"),
    re_path(rf"^{REFERENCE}/hand-over/$", views.hand_over, name="hand-over"),
    re_path(rf"^{REFERENCE}/assign/$", views.assign, name="assign"),
    re_path(rf"^{REFERENCE}/attach/$", views.attach, name="attach"),
    re_path(rf"^{REFERENCE}/stage-2/$", views.stage_two, name="stage-two"),
    re_path(rf"^{REFERENCE}/ombudsman/$", views.ombudsman, name="ombudsman"),
    re_path(rf"^{REFERENCE}/files/(?P<pk>\d+)/$", views.attachment, name="attachment"),
]
