"""The areas of the platform, each shown only to users who may use it."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from frontdoor.identity.policies import has_permission


@dataclass(frozen=True)
class Area:
    label: str
    url_name: str
    permission: str | tuple[str, ...] | None  # None: every signed-in user; a tuple: any of them


# Later apps add their areas here, in the order staff use them.
AREAS = [
    Area(_("Home"), "web:home", None),
    Area(_("Residents"), "citizens:search", "use_desktop"),
    Area(_("Services"), "core:services", None),
    Area(_("Calendar"), "core:calendar", None),
    Area(_("Live queues"), "omnichannel:wallboard", "view_performance"),
    Area(_("Performance"), "insight:dashboard", "view_performance"),
    Area(_("Published tables"), "publishing:tables", "view_performance"),
    Area(_("Planning"), "planning:home", "plan_staffing"),
    Area(_("Cases"), "cases:mine", ("handle_cases", "lead_team")),
    Area(_("Contact imports"), "contacts:imports", "import_contacts"),
    Area(_("Staff and teams"), "identity:staff", "manage_staff"),
    Area(_("Likely duplicates"), "citizens:duplicates", "govern_information"),
    Area(_("Erasure requests"), "citizens:erasure-requests", "govern_information"),
    Area(_("Audit"), "audit:changes", "view_audit"),
    Area(_("Council settings"), "core:council-settings", "administer_council"),
]


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for area in AREAS:
        wanted = (area.permission,) if isinstance(area.permission, str) else area.permission
        if wanted and not any(has_permission(user, permission) for permission in wanted):
            continue
        try:
            href = reverse(area.url_name)
        except NoReverseMatch:
            continue
        items.append({"text": area.label, "href": href, "active": False})
    # The area whose address is the longest prefix of the page's is the current one, so
    # /performance/published/ is "Published tables", not also "Performance".
    matching = [
        item
        for item in items
        if request.path == item["href"]
        or (item["href"] != "/" and request.path.startswith(str(item["href"])))
    ]
    if matching:
        max(matching, key=lambda item: len(str(item["href"])))["active"] = True
    return items
