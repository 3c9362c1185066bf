"""A phonetic code for names: spellings that sound alike get the same code.

No phonetic package is installed, so this is our own, in the manner of Lawrence Philips' Double
Metaphone (reduced to the rules that matter for names seen in UK councils): consonant sounds
only, vowels dropped except at the start, voiced and unvoiced pairs merged where Double
Metaphone merges them (B/P, D/T, V/F, Z/S), and a second code where a spelling has two common
readings ("th" as in Thomas or as in Smith; "ch" as in Charles or in Christopher; a soft or
hard "g"). Stephen/Steven, Catherine/Kathryn/Katharine, Philip/Filip, Smith/Smyth,
Mohammed/Muhammad and Jon/John share a code.

It is a recall aid for the search, never a decision: candidates it finds are ranked by edit
distance afterwards, so an over-broad code costs ranking work, not wrong answers.
"""

from __future__ import annotations

from functools import lru_cache

from .normalise import fold

VOWELS = frozenset("aeiouy")
MAX_LENGTH = 6


@lru_cache(maxsize=8192)  # a pure function of a name, called for every candidate a search ranks
def phonetic_codes(word: str) -> tuple[str, ...]:
    """The primary code and, when a spelling has two readings, the alternate (empty for "")."""
    letters = "".join(c for c in fold(word) if "a" <= c <= "z")
    if not letters:
        return ()
    primary, alternate = _encode(letters)
    if not primary and not alternate:
        return ()
    if alternate == primary or not alternate:
        return (primary,)
    return (primary, alternate)


def _encode(word: str) -> tuple[str, str]:
    # Silent first letters: KNight, GNome, PNeumatic, WRight, PSychology; X sounds as S.
    if word[:2] in ("kn", "gn", "pn", "wr", "ps"):
        word = word[1:]
    elif word.startswith("x"):
        word = "s" + word[1:]
    elif word.startswith("wh"):
        word = "w" + word[2:]
    primary: list[str] = []
    alternate: list[str] = []

    def add(main: str, other: str | None = None) -> None:
        primary.append(main)
        alternate.append(main if other is None else other)

    n = len(word)
    i = 0
    while i < n:
        c = word[i]
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < n else ""
        after = word[i + 2] if i + 2 < n else ""
        # Doubled letters sound once (except "cc" before e/i, as in Acceptance).
        if c == prev and c != "c":
            i += 1
            continue
        if c in VOWELS:
            if c == "y" and nxt and nxt in VOWELS - {"y"}:
                add("Y")  # a consonant y: Yolanda, Maya
            elif i == 0:
                add("A")  # a first vowel is sounded, whichever it is: Ann, Ian, Owen
            i += 1
            continue
        step = 1
        if c == "b":
            # A final "mb" is silent: Lamb, Plumb.
            if not (prev == "m" and i == n - 1):
                add("P")
        elif c == "c":
            if nxt == "i" and after in ("a", "o"):
                add("X")  # Patricia, Ciorba
            elif nxt in ("e", "i", "y"):
                add("S")  # Cecil, Lucy
            elif nxt == "h":
                if i == 0 and after in ("r", "l"):
                    add("K")  # Christopher, Chloe
                elif prev == "s":
                    add("K")  # Schofield: "sch" is "sk"
                elif after and after not in VOWELS:
                    add("K")  # Lachlan
                else:
                    add("X", "K")  # Charles / Charis, Michael / Mitchell
                step = 2
            elif nxt == "k" or nxt == "q":
                add("K")
                step = 2
            elif nxt == "c" and after in ("e", "i", "y"):
                add("K")  # the first c of Accent; the second is an S
            else:
                add("K")
        elif c == "d":
            if nxt == "g" and after in ("e", "i", "y"):
                add("J")  # Hodge, Bridget
                step = 2
            else:
                add("T")
        elif c == "f":
            add("F")
        elif c == "g":
            if nxt == "h":
                if i == 0 or (after and after in VOWELS and prev not in ("u", "i")):
                    add("K")  # Ghent, Meghan
                # otherwise silent: Hugh, Hughes, Leigh, Vaughan
                step = 2
            elif nxt == "n" and (i + 2 == n or word[i + 2 :] in ("ed", "es")):
                pass  # silent: Sign, Gnome handled above
            elif nxt in ("e", "i", "y"):
                add("J", "K")  # George / Gerald: soft or hard
            else:
                add("K")
        elif c == "h":
            # Sounded at the start or between a vowel and a vowel; silent after c, g, p, s, t, w.
            if nxt in VOWELS and (i == 0 or (prev in VOWELS)):
                add("H")
        elif c in "jklmnr":
            add(c.upper())
        elif c == "p":
            if nxt == "h":
                add("F")  # Philip, Stephen
                step = 2
            else:
                add("P")
        elif c == "q":
            add("K")
        elif c == "s":
            if nxt == "h":
                add("X")  # Sharon
                step = 2
            elif nxt == "i" and after in ("a", "o"):
                add("X", "S")  # Asia, Persia
            elif nxt == "c" and after == "h":
                add("S")
                add("K")
                step = 3
            else:
                add("S")
        elif c == "t":
            if nxt == "i" and after in ("a", "o"):
                add("X")  # Horatio, Tatiana
            elif nxt == "h":
                add("0", "T")  # Smith (0) / Thomas (T)
                step = 2
            elif nxt == "c" and after == "h":
                pass  # the ch that follows carries the sound: Mitchell
            else:
                add("T")
        elif c == "v":
            add("F")
        elif c == "w":
            if nxt in VOWELS:
                add("W")
        elif c == "x":
            add("K")
            add("S")
        elif c == "z":
            add("S")
        i += step
    return _squash(primary), _squash(alternate)


def _squash(codes: list[str]) -> str:
    """Adjacent repeats sound once (the "ck" of Dickson, the "ts" of Betts...)."""
    out: list[str] = []
    for code in codes:
        if not out or out[-1] != code:
            out.append(code)
    return "".join(out)[:MAX_LENGTH]
