"""The closest valid name to a typo, for « vouliez-vous dire … ? »."""

from __future__ import annotations

from collections.abc import Iterable


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, transpositions."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def closest(name: object, candidates: Iterable[object]) -> str | None:
    """The candidate nearest to `name`, if it is near enough to be a typo."""
    word = str(name)
    best: tuple[int, int, str] | None = None
    for candidate in map(str, candidates):
        d = distance(word.lower(), candidate.lower())
        key = (d, abs(len(candidate) - len(word)), candidate)
        if d <= max(1, len(word) // 3) and (best is None or key < best):
            best = key
    return best[2] if best else None


def suggest(name: object, candidates: Iterable[object]) -> str:
    """' — vouliez-vous dire « x » ?' for the closest candidate, or ''."""
    found = closest(name, candidates)
    return f" — vouliez-vous dire « {found} » ?" if found else ""
