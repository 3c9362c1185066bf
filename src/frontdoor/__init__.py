"""Frontdoor: an open citizen-experience platform for UK councils."""

__version__ = "0.1.0"
