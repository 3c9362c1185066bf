"""Pure rules of the contacts app: functions of values, no Django (an import-linter contract)."""
