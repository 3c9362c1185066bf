"""Pure policy of cases: due dates over a working-day calendar (no Django)."""
