"""`--explain` as sentences, the same in every format: the red flags in one line when none is
positive, each rule of the situation with the answers it read (labels, not ids), « pas de
niveau N parce que … » for the level above, and the single answers that would change the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradation.core.model import Grid
from gradation.core.result import Result

LEVELS = ("1", "2", "3", "urgence")


@dataclass(frozen=True, slots=True)
class Explained:
    rules: list[str]  # one sentence per rule (red flags in one when none holds)
    why_not_above: str | None
    changes: list[str]


def _label(result: Result, qid: str) -> str:
    question = result.situation.question(qid)
    return question.text.rstrip(" ?") if question is not None else qid


def _rule_lines(grid: Grid, result: Result, checks: list[Any]) -> list[str]:
    """The red flags (none positive, or those that are), then each rule applied or not with
    the answers it read."""
    flag_ids = {f.id for f in grid.red_flags}
    rules = _flag_lines(result, [c for c in checks if c.rule in flag_ids])
    for c in checks:
        if c.rule in flag_ids:
            continue
        # the condition names its questions: the answers read, in its order, suffice
        read = " ; ".join(c.read.values())
        mark = "✓ appliquée" if c.fired else "· non appliquée"
        rules.append(f"{mark} — {grid.level_name(c.level)} si {c.text} (réponse"
                     f"{'s' if len(c.read) > 1 else ''} : {read}).")
    return rules


def _flag_lines(result: Result, flags: list[Any]) -> list[str]:
    if flags and not any(c.fired for c in flags):
        asked = sorted({_label(result, q) for c in flags for q in c.read if q in result.answers})
        return ["Drapeaux rouges : aucun positif (" + ", ".join(asked) + ")."]
    return [f"✓ Drapeau rouge : {c.text}." for c in flags if c.fired]


def _change_lines(grid: Grid, result: Result, ups: list[Any], downs: list[Any]) -> list[str]:
    """What one answer changed would do to the level."""
    changes = []
    if result.level != "urgence":
        changes.append("Tout drapeau rouge positif mènerait à l'urgence.")
    for verb, found in (("monterait", ups), ("descendrait", downs)):
        for ch in found:
            changes.append(f"{_label(result, ch.question)} : {ch.before} → {ch.after} : "
                           f"{grid.level_name(ch.level)} (le niveau {verb}).")
    if not ups and not downs:
        changes.append("Aucun changement d'une seule réponse ne modifie le niveau.")
    return changes


def explained(grid: Grid, result: Result, explanation: Any) -> Explained:
    checks, ups, downs = explanation
    return Explained(_rule_lines(grid, result, checks), _why_not_above(grid, result, checks),
                     _change_lines(grid, result, ups, downs))


def _why_not_above(grid: Grid, result: Result, checks: list[Any]) -> str | None:
    """« Pas de niveau 3 : il faudrait … » for the next level of the situation above."""
    if result.level == "urgence":
        return None
    levels = sorted(str(lv) for lv in result.situation.spec.levels)
    above = [lv for lv in levels if LEVELS.index(lv) > LEVELS.index(result.level)]
    if not above:
        return (f"Pas de niveau au-dessus du {grid.level_name(result.level)} dans cette situation, "
                "hors urgence (un drapeau rouge).")
    level = above[0]
    needed = [c.text for c in checks if c.level == level and not c.fired]
    if not needed:
        return None
    return (f"Pas de {grid.level_name(level)} parce qu'aucune de ses conditions n'est remplie : il "
            "faudrait " + ", ou ".join(f"« {text} »" for text in needed) + ".")
