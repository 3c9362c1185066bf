"""Planning engines: pure functions of values (no Django), checked against published figures."""
