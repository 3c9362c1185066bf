"""Pure policy of cases: due dates over a working-day calendar (no Django).

* `policies`: clocks as data (an amount and a unit over a calendar rule, waits, extensions), the
  complaint procedure presets and the statutory clocks, and a council's clock settings.
* `clocks`: a clock's dates replayed from its history of events; met, breached, due soon.
* `hours`: hours within opening hours, for hour-based service standards.
* `due_date`: the public question `frontdoor due_date` and GET /api/due-date answer.
"""
