"""The working-day calendar: bank holidays per UK division, closures and opening hours."""
