"""Council branding: a brand colour used only where it keeps WCAG contrast."""

from __future__ import annotations

from frontdoor.core.models import Council

WHITE = "#ffffff"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def header_colour(council: Council) -> str:
    """The brand colour if white text on it reaches 4.5:1 (WCAG AA), else GOV.UK black."""
    if contrast_ratio(council.brand_colour, WHITE) >= 4.5:
        return council.brand_colour
    return "#0b0c0c"


def council_css(council: Council) -> str:
    colour = header_colour(council)
    return (
        f":root {{ --frontdoor-brand: {colour}; }}\n"
        f".govuk-header, .govuk-header__container {{ background-color: {colour}; "
        f"border-bottom-color: {colour}; }}\n"
        f".govuk-service-navigation {{ border-top-color: {colour}; }}\n"
    )
