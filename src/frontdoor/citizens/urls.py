"""Pages of the CRM: the agent desktop, mounted at /residents/."""

from django.urls import path, re_path

from . import (
    duplicate_views,
    erasure_views,
    legal_hold_views,
    marker_views,
    person_views,
    views,
)

app_name = "citizens"

# A party's CRM reference: ten characters of Crockford base 32 (imports may bring longer ones).
REFERENCE = r"(?P<reference>[0-9A-Za-z]{4,16})"

urlpatterns = [
    path("", views.search, name="search"),
    # Before the references: "prompts" and "rules" would read as one.
    path("prompts/", views.prompts, name="prompts"),
    path("prompts/<int:pk>/decide/", views.decide_prompt, name="decide-prompt"),
    path("prompts/rules/", views.rules, name="rules"),
    path("prompts/rules/new/", views.rule, name="rule-new"),
    path("prompts/rules/<int:pk>/", views.rule, name="rule"),
    # Likely duplicates and merges (information governance); before the references too.
    path("duplicates/", duplicate_views.worklist, name="duplicates"),
    path("duplicates/run/", duplicate_views.run, name="duplicates-run"),
    path("duplicates/<int:pk>/", duplicate_views.candidate, name="duplicate"),
    path("duplicates/<int:pk>/decide/", duplicate_views.decide, name="duplicate-decide"),
    path("duplicates/merges/", duplicate_views.merges, name="merges"),
    path("duplicates/merges/<int:pk>/", duplicate_views.merge, name="merge"),
    # The right to erasure (information governance); before the references too.
    path("erasure/", erasure_views.worklist, name="erasure-requests"),
    path("erasure/<int:pk>/", erasure_views.request_page, name="erasure-request"),
    path("erasure/<int:pk>/decide/", erasure_views.decide, name="erasure-decide"),
    path("erasure/<int:pk>/erase/", erasure_views.execute, name="erasure-execute"),
    re_path(rf"^{REFERENCE}/erasure/new/$", erasure_views.new_request, name="erasure-new"),
    # Legal holds, which block an erasure (information governance); "holds" before the
    # references too.
    path("holds/", legal_hold_views.worklist, name="legal-holds"),
    re_path(rf"^{REFERENCE}/holds/$", legal_hold_views.person_holds, name="legal-holds-person"),
    re_path(rf"^{REFERENCE}/holds/new/$", legal_hold_views.place, name="legal-hold-new"),
    re_path(
        rf"^{REFERENCE}/holds/(?P<pk>\d+)/lift/$", legal_hold_views.lift, name="legal-hold-lift"
    ),
    re_path(
        rf"^{REFERENCE}/holds/(?P<pk>\d+)/review/$",
        legal_hold_views.review,
        name="legal-hold-review",
    ),
    # Vulnerability and staff-safety markers, accessibility needs.
    path("markers/reviews/", marker_views.reviews, name="marker-reviews"),
    path("markers/safety/<int:pk>/decide/", marker_views.decide_safety, name="safety-decide"),
    # Adding a person, ending or reviewing a marker (person_views).
    path("new/", person_views.new_person, name="person-new"),
    re_path(
        rf"^{REFERENCE}/markers/vulnerability/(?P<pk>\d+)/end/$",
        person_views.end_vulnerability,
        name="vulnerability-end",
    ),
    re_path(
        rf"^{REFERENCE}/markers/safety/(?P<pk>\d+)/review/$",
        person_views.review_safety,
        name="safety-review",
    ),
    re_path(
        rf"^{REFERENCE}/markers/vulnerability/new/$",
        marker_views.add_vulnerability,
        name="vulnerability-new",
    ),
    re_path(
        rf"^{REFERENCE}/markers/vulnerability/(?P<pk>\d+)/review/$",
        marker_views.review_vulnerability,
        name="vulnerability-review",
    ),
    re_path(rf"^{REFERENCE}/markers/safety/new/$", marker_views.propose_safety, name="safety-new"),
    re_path(rf"^{REFERENCE}/needs/$", marker_views.change_needs, name="needs"),
    re_path(rf"^{REFERENCE}/$", views.person, name="person"),
    re_path(rf"^{REFERENCE}/log/$", views.log_contact, name="log-contact"),
    re_path(rf"^{REFERENCE}/contacts/(?P<pk>\d+)/$", views.contact, name="contact"),
]
