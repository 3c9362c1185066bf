"""Normal forms of names and identifiers, so that what an agent types meets what was stored.

Every stored value and every search term goes through the same function, so "O'Brien",
"OBRIEN" and "o brien" all reach the same keys, and "+44 (0)7700 900123" is "07700 900123".
"""

from __future__ import annotations

import re
import unicodedata

# Titles and honorifics: dropped from names, never searched on.
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "revd", "sir", "dame", "lady", "lord"}
)

# Apostrophes of every kind people type: ' \u2019 ` \u00b4.
_APOSTROPHES = str.maketrans("", "", "'\u2019`\u00b4")
_NOT_LETTER = re.compile(r"[^a-z]+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARS = re.compile(r"[\s\-().]")


# Letters that do not decompose into a base letter and an accent, spelt as English keyboards do.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "\u0131": "i",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)


def fold(text: str) -> str:
    """Lower case without accents: "Siân Élise" -> "sian elise", "Łukasz" -> "lukasz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_UNDECOMPOSED)


def name_tokens(*names: str) -> list[str]:
    """The searchable tokens of some names, in order, each once.

    Apostrophes join ("O'Brien" -> "obrien"); hyphens and spaces split, and a name of several
    parts also gives its parts run together ("Smith-Jones" -> "smith", "jones", "smithjones"),
    so it is found however the agent types it. Titles are dropped.
    """
    found: dict[str, None] = {}
    for name in names:
        if not name:
            continue
        parts = [p for p in _NOT_LETTER.split(fold(name).translate(_APOSTROPHES)) if p]
        parts = [p for p in parts if p not in TITLES]
        for part in parts:
            found.setdefault(part, None)
        if len(parts) > 1:
            found.setdefault("".join(parts), None)
    return list(found)


def query_name_tokens(text: str) -> list[str]:
    """The name tokens of what was typed: split like stored names, but not run together."""
    parts = [p for p in _NOT_LETTER.split(fold(text).translate(_APOSTROPHES)) if p]
    return [p for p in parts if p not in TITLES]


def normalise_phone(text: str) -> str | None:
    """A phone number as international digits without "+" ("447700900123"), or None.

    UK numbers written nationally ("07700 900123"), with the country code ("+44 7700 900123",
    "0044 ...", "+44 (0)7700 ...") or without their leading zero ("7700 900123") all meet.
    """
    compact = text.strip().replace("(0)", "")
    compact = _PHONE_CHARS.sub("", compact)
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("00"):
        digits = compact[2:]
    elif compact.startswith("0"):
        digits = "44" + compact[1:]
    elif len(compact) == 10 and compact[:1] in "123578":
        digits = "44" + compact  # a UK number typed without its leading zero
    else:
        digits = compact
    if not digits.isdigit() or not 10 <= len(digits) <= 15:
        return None
    if digits.startswith("440"):  # "+44 0..." written with both
        digits = "44" + digits[3:]
    return digits


def display_phone(digits: str) -> str:
    """A normalised UK number as people write it ("07700 900123"); others with a "+"."""
    if digits.startswith("44") and len(digits) == 12:
        national = "0" + digits[2:]
        return f"{national[:5]} {national[5:]}"
    return "+" + digits


def normalise_email(text: str) -> str | None:
    """An email address trimmed and in lower case, or None when it is not one."""
    value = text.strip().lower()
    return value if _EMAIL.match(value) and len(value) <= 254 else None


def normalise_postcode(text: str) -> str | None:
    """A full UK postcode without its space, upper case ("SW1A1AA"), or None."""
    value = " ".join(text.upper().split())
    match = _POSTCODE.match(value)
    return match.group(1) + match.group(2) if match else None


def format_postcode(compact: str) -> str:
    """A normalised postcode as written: the inward code (last three) after a space."""
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def postcode_prefix(text: str) -> str | None:
    """A partial postcode (outward code "SW1A", or sector "SW1A 1") as a key prefix, or None."""
    value = " ".join(text.upper().split())
    if _OUTWARD.match(value):
        return value
    match = _SECTOR.match(value)
    return match.group(1) + match.group(2) if match else None


def normalise_uprn(text: str) -> str | None:
    """A UPRN (1 to 12 digits, no leading zeros), or None."""
    value = text.strip().lstrip("0")
    return value if value.isdigit() and len(value) <= 12 else None


def normalise_reference(text: str) -> str:
    """A reference in another system: upper-case letters and digits ("CT-00123" -> "CT00123")."""
    return "".join(c for c in fold(text).upper() if c.isalnum())


# The characters keys are made of, in the order every collation sorts them (digits, then
# letters): range scans over a prefix use the next prefix in this order as their upper bound.
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest key above every key that starts with `prefix` (None: no bound needed).

    Computed within letters and digits (carrying past "z" and "9") rather than with the next
    code point, so the range is the same under PostgreSQL's linguistic collations as under C.
    """
    upper = prefix.isupper()
    chars = list(prefix.lower())
    while chars:
        position = _ALPHABET.find(chars[-1])
        if 0 <= position < len(_ALPHABET) - 1:
            chars[-1] = _ALPHABET[position + 1]
            bound = "".join(chars)
            return bound.upper() if upper else bound
        chars.pop()
    return None
