"""The contact fact: one row per contact, as the KPI engine reads it.

The contacts app turns each stored contact into this shape (resolving what needs the database:
the family in force on the contact's local date, whether the contact is *counted*, the
pseudonymous person key) and writes the rows as Parquet snapshots partitioned by council and
local month. The engine never sees personal data: `person_key` is a pseudonym.

Column meanings follow `contact-records-and-kpis.md` section 1 and 2:

- ``contact_key``: the contact's database id; a fresh row replaces a snapshot row with the same key.
- ``counted``: inbound, not retracted, no parent, and not a desktop phone/webchat record that a
  queue source's record stands for (section 2).
- ``offered_at_utc``: an instant (UTC, microseconds) for elapsed-time rules (the 168-hour repeat).
- ``offered_local``: the wall-clock time in the council's zone, for every grouping key.
- ``month``: ``offered_local``'s "YYYY-MM", the partition key next to ``council_id``.
- ``csat_sign``: +1 for good/4/5, 0 for average/3, -1 for poor/1/2, null without a response.
- ``person_key``: the CRM person the citizen_ref maps to (pseudonym), else the citizen_ref itself
  (hashed); null when the contact has no citizen_ref.
"""

from __future__ import annotations

import pyarrow as pa

CHANNELS = ("phone", "email", "webchat", "web_form", "face_to_face", "social", "letter")
OUTCOMES = ("answered", "abandoned", "callback", "deflected")
RESOLUTIONS = ("first_contact", "follow_up_resolved", "handed_over", "unresolved")
FAILURE_DEMAND_TYPES = ("chasing", "not_right_first_time", "could_not_complete_online", "other")

FACT_SCHEMA = pa.schema(
    [
        pa.field("council_id", pa.int64(), nullable=False),
        pa.field("contact_key", pa.int64(), nullable=False),
        pa.field("counted", pa.bool_(), nullable=False),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("service", pa.string(), nullable=False),
        pa.field("family", pa.string(), nullable=False),
        pa.field("queue", pa.string(), nullable=False),
        pa.field("offered_at_utc", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("offered_local", pa.timestamp("us"), nullable=False),
        pa.field("month", pa.string(), nullable=False),
        pa.field("outcome", pa.string(), nullable=False),
        pa.field("wait_seconds", pa.float64()),
        pa.field("handle_seconds", pa.float64()),
        pa.field("resolution", pa.string()),
        pa.field("failure_demand", pa.bool_()),
        pa.field("failure_demand_type", pa.string()),
        pa.field("csat_sign", pa.int8()),
        pa.field("person_key", pa.string()),
        pa.field("email_known", pa.bool_()),
        pa.field("wrap_code", pa.string()),
    ]
)

FACT_COLUMNS = tuple(FACT_SCHEMA.names)
