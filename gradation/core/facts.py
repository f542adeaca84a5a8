"""Facts of a result that several parts of the engine read: the order of the delays, whether
the patient is a minor, and what the conditions of numbers and warnings may read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gradation.core.model import Grid
from gradation.core.schema import DELAYS

DELAY_RANK = {delay: i for i, delay in enumerate(DELAYS)}


def is_minor(grid: Grid, answers: Mapping[str, Any]) -> bool:
    age = answers.get("age")
    return isinstance(age, int) and age < grid.model.minors.below


def result_facts(answers: Mapping[str, Any], level: str, delay: str, situation: str,
                 fallback: bool) -> dict[str, Any]:
    """The answers, and the facts of the result that numbers and warnings may read."""
    return {**answers, "niveau": level, "delai": delay, "situation": situation,
            "age_inconnu": answers.get("age") is None, "recours": fallback}


@dataclass(frozen=True, slots=True)
class ResultQuestion:
    """A fact of the result that the conditions of numbers and warnings may read."""

    id: str
    type: str
    values: tuple[str, ...] = ()
    ordered: bool = True

    def choice_ids(self) -> list[str]:
        return list(self.values)


def result_questions(situations: list[str]) -> dict[str, Any]:
    from gradation.core.schema import LEVELS

    return {
        "niveau": ResultQuestion("niveau", "choice", LEVELS),
        "delai": ResultQuestion("delai", "choice", DELAYS),
        "situation": ResultQuestion("situation", "choice", tuple(situations), ordered=False),
        "age_inconnu": ResultQuestion("age_inconnu", "boolean"),
        "recours": ResultQuestion("recours", "boolean"),
    }


def stale_text(days: int) -> str:
    """How long a record has not been verified, as the grid's `stale_days` says it: « plus d'un
    an » for 365, « plus de 2 ans », else « plus de 180 jours »."""
    if days % 365 == 0:
        years = days // 365
        return "plus d'un an" if years == 1 else f"plus de {years} ans"
    return f"plus de {days} jours"
