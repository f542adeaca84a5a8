"""What a decision produces: the assessment of the answers and the result a person reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gradation.core.model import CompiledRule, Situation, Territory
from gradation.core.schema import HelpNumber, Resource


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: str
    source: str  # where the criterion comes from, or « critère de la grille »
    level: str
    delay: str = "programme"
    cell: str = ""  # the seed cell its resources come from, or « extension »
    advice: str | None = None  # one sentence for the patient sheet
    psy: bool = False
    meanwhile: str | None = None  # what the GP does until the appointment


@dataclass(slots=True)
class Result:
    situation: Situation
    level: str
    delay: str
    reasons: list[Reason]
    answers: dict[str, Any]  # the answers of the path, as used
    resources: list[Resource] = field(default_factory=list)
    bridge: list[Resource] = field(default_factory=list)
    bridge_reason: str | None = None
    alongside: list[Resource] = field(default_factory=list)
    fallback: list[Resource] = field(default_factory=list)
    fallback_needed: bool = False  # a `rapide`/`sous-72h` reason that no one answers in time
    fallback_delay: str | None = None  # the most urgent delay among the unanswered reasons
    because: dict[str, list[str]] = field(default_factory=dict)  # resource id -> rule ids
    looked_for: list[str] = field(default_factory=list)  # kinds searched when none fits
    mon_soutien_psy_excluded: bool = False  # the scheme does not apply to this patient
    numbers: list[HelpNumber] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    could_raise: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    not_asked: list[str] = field(default_factory=list)  # without effect on the orientation
    also: list[str] = field(default_factory=list)  # overlapping situations the patient fits
    grid_version: str = ""
    territory: Territory | None = None
    today: dt.date | None = None  # the date of the run (an urgent slot's declaration ages)


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the answers decide, before any territory: the level, how soon, and why."""

    level: str
    delay: str
    # the urgence reasons that hold: positive red flags (the grid's and the built-in floor)
    # and the situation's urgence rules
    flags: list[CompiledRule]
    rules: list[CompiledRule]  # the situation's other rules that hold, as they apply here

    def callers(self, level: str) -> dict[str, list[str]]:
        """Kind -> ids of the rules of `level` that hold and call it, in order of first call."""
        out: dict[str, list[str]] = {}
        source = self.flags if level == "urgence" else [r for r in self.rules if r.level == level]
        for rule in source:
            for kind in rule.calls:
                out.setdefault(kind, []).append(rule.id)
        return out

    def timed(self) -> list[CompiledRule]:
        """The `rapide` and `sous-72h` rules that hold (rule 7 tests them one by one)."""
        return [r for r in self.rules if r.delay in ("rapide", "sous-72h")]
