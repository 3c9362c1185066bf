"""Edit distance and the near-miss index that finds typos without scanning every name.

Typos are found the SymSpell way: every distinct stored token is indexed under itself and each
of its one-letter deletions; a typed token looks up its own deletions. Two tokens meet when one
deletion (or none) on each side makes them equal, which covers one insertion, deletion,
substitution or swap of neighbours, and some pairs of two. The few tokens found are then
checked with the real distance. No package for this is installed; the code is short.
"""

from __future__ import annotations

# Typos are only looked for in tokens this long: shorter ones have too many neighbours.
MIN_TYPO_LENGTH = 3
# From this length two edits are tolerated ("Cathrine" for "Catherine" and one more slip).
TWO_EDITS_FROM = 7


def deletions(token: str) -> set[str]:
    """The token and every string one letter shorter made from it."""
    found = {token}
    if len(token) >= MIN_TYPO_LENGTH:
        found.update(token[:i] + token[i + 1 :] for i in range(len(token)))
    return found


def allowed_edits(token: str) -> int:
    """How many edits from `token` a name may be and still match it as a typo."""
    if len(token) < MIN_TYPO_LENGTH:
        return 0
    return 2 if len(token) >= TWO_EDITS_FROM else 1


def osa_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
    neighbours each cost one. With `limit`, any answer above it is returned as limit + 1.
    """
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    if not a or not b:
        return max(len(a), len(b))
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        best = i
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if limit is not None and best > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[len(b)]
