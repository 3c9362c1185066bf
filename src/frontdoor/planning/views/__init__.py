"""Pages of planning: forecasts, staffing and the capacity gap, scenarios, the day simulation,
rosters, the avoidable-demand model and the outbound-campaign planner.

Views stay thin: parse, call a selector or an action, render. One module per page area;
`charts` works out the SVG charts' coordinates (each chart has a title and a description as its
accessible name, and every chart's figures are also in a table) and `common` holds what every
page shares.
"""

from .avoidable import avoidable, avoidable_assumptions, avoidable_tables, online_reasons
from .events import events, remove_event
from .forecasts import forecast, home
from .outbound import campaign, campaign_response, campaign_sent, delete_campaign, outbound
from .rosters import (
    add_shift_pattern,
    publish_roster,
    remove_shift_pattern,
    roster,
    roster_setup,
    rosters,
    staff_profile,
)
from .scenarios import delete_scenario, scenario, scenarios
from .simulation import simulation
from .staffing import enter_rostered_staff, queue_settings, staffing

__all__ = [
    "add_shift_pattern",
    "avoidable",
    "avoidable_assumptions",
    "avoidable_tables",
    "campaign",
    "campaign_response",
    "campaign_sent",
    "delete_campaign",
    "delete_scenario",
    "enter_rostered_staff",
    "events",
    "forecast",
    "home",
    "online_reasons",
    "outbound",
    "publish_roster",
    "queue_settings",
    "remove_event",
    "remove_shift_pattern",
    "roster",
    "roster_setup",
    "rosters",
    "scenario",
    "scenarios",
    "simulation",
    "staff_profile",
    "staffing",
]
