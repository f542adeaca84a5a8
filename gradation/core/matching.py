"""Which resources of a territory answer a result (territory-format.md, rules 1 to 7).

Pure functions: the caller passes the grid, the territory, the assessment and today's date.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from typing import Any

from gradation.core.conditions import holds
from gradation.core.model import Grid, Situation, Territory
from gradation.core.result import Assessment, Result
from gradation.core.schema import Resource


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def sort_key(res: Resource) -> tuple[Any, ...]:
    return (res.wait_weeks is None, res.wait_weeks or 0, fold(res.name), res.id)


def ordered(resources: Iterable[Resource], rapid: bool) -> list[Resource]:
    """Rule 3: by wait, name and id; when the delay is `rapide`, those who can see the patient
    within a week first."""
    found = sorted(resources, key=sort_key)
    if rapid:
        found = [r for r in found if r.is_fast()] + [r for r in found if not r.is_fast()]
    return found


def is_placed(res: Resource, situation: str, level: str, kinds: Iterable[str]) -> bool:
    """Rule 1: a resource with `level` is placed only there; any other by its kind."""
    levels = res.levels()
    if levels is not None:
        return level in levels and situation in (res.situations or [])
    return res.kind in kinds and (res.situations is None or situation in res.situations)


def fits(res: Resource, age: int | None, commune: str | None) -> bool:
    """Rule 2: the age bounds, and the sector when a commune is given."""
    if res.age is not None and not res.age.fits(age):
        return False
    return commune is None or res.serves is None or commune in res.serves


class _Matcher:
    """The resources of one result, built list by list."""

    def __init__(self, result: Result, assessment: Assessment, grid: Grid,
                 territory: Territory) -> None:
        self.result = result
        self.assessment = assessment
        self.grid = grid
        self.territory = territory
        self.situation: Situation = result.situation
        self.age = result.answers.get("age")
        self.commune = result.answers.get("commune")
        self.rapid = result.delay == "rapide"
        self.listed: set[str] = set()

    def placed(self, level: str, kinds: Iterable[str], by_hand: bool = True) -> list[Resource]:
        """The resources placed at (situation, level) for these kinds that fit the patient, not
        already listed; `by_hand` keeps those placed by an explicit `level`."""
        kinds = set(kinds)
        found = [r for r in self.territory.resources
                 if r.id not in self.listed and (by_hand or r.level is None)
                 and is_placed(r, self.situation.id, level, kinds)
                 and fits(r, self.age, self.commune)]
        return ordered(found, self.rapid)

    def take(self, resources: list[Resource], callers: dict[str, list[str]] | None = None
             ) -> list[Resource]:
        for res in resources:
            self.listed.add(res.id)
            by_kind = [] if callers is None or res.level is not None else callers.get(res.kind, [])
            self.result.because[res.id] = list(by_kind)
        return resources

    def main(self) -> None:
        level = self.result.level
        if level == "1":
            callers = None
            kinds = self.situation.kinds("1", self.grid)
        else:
            callers = self.assessment.callers(level)
            kinds = list(callers)
        self.result.resources = self.take(self.placed(level, kinds), callers)
        if not self.result.resources:
            self.result.looked_for = kinds

    def bridge(self) -> None:
        """Rule 4: level-1 resources while waiting (only GPs, MSP, centres and psychologists
        when the delay is `rapide`)."""
        if self.result.level not in ("2", "3"):
            return
        matching = self.grid.model.matching
        waits = [r.wait_weeks for r in self.result.resources if r.wait_weeks is not None]
        if not self.result.resources:
            reason = "aucune ressource de ce niveau ne correspond"
        elif waits and min(waits) > matching.bridge_weeks:
            reason = f"délai d'attente de {min(waits)} semaines"
        else:
            return
        kinds = self.situation.kinds("1", self.grid)
        found = self.placed("1", kinds)
        if self.rapid:
            found = [r for r in found if r.kind in matching.rapid_bridge_kinds]
        self.result.bridge = self.take(found)
        self.result.bridge_reason = reason if found else None

    def alongside(self) -> None:
        """Rule 5: proximity care where the level complements it, then at level 3 the
        resources called by the level-2 reasons that hold."""
        level = self.result.level
        if level not in ("2", "3"):
            return
        spec = self.situation.level_spec(level)
        called = self.assessment.callers(level)
        complements = bool(called) and all(self.grid.complements(k) for k in called)
        out: list[Resource] = []
        if (spec is not None and spec.alongside) or complements:
            out += self.take(self.placed("1", self.situation.kinds("1", self.grid)))
        if level == "3":
            lower = self.assessment.callers("2")
            out += self.take(self.placed("2", lower, by_hand=False), lower)
        self.result.alongside = out

    def fallback(self) -> None:
        """Rule 7: when no one called by a `rapide` reason can see the patient within a week."""
        if not self.rapid:
            return
        rapid_kinds = self.assessment.rapid_kinds()
        called = [r for r in [*self.result.resources, *self.result.alongside]
                  if r.kind in rapid_kinds]
        if any(r.is_fast() for r in called):
            return
        self.result.fallback_needed = True
        kinds = [kind for kind, condition in self.grid.fallback
                 if holds(condition, self.result.answers)]
        self.result.fallback = self.take(self.placed("urgence", kinds, by_hand=False))


def match_resources(result: Result, assessment: Assessment, grid: Grid, territory: Territory,
                    today: dt.date) -> None:
    """Fill the resource lists of a result, and the warnings they call for."""
    matcher = _Matcher(result, assessment, grid, territory)
    matcher.main()
    matcher.bridge()
    matcher.alongside()
    matcher.fallback()
    result.warnings.extend(_warnings(result, grid, territory, today))


def _warnings(result: Result, grid: Grid, territory: Territory, today: dt.date) -> list[str]:
    commune = result.answers.get("commune")
    shown = [*result.resources, *result.alongside, *result.bridge, *result.fallback]
    warnings = []
    if result.fallback_needed:
        warnings.append("Aucune des ressources appelées ne peut recevoir le patient dans la "
                        "semaine : si aucun avis n'est possible dans la semaine, recours aux "
                        "urgences ou au 15.")
    if commune is None and any(r.serves is not None for r in shown):
        warnings.append("Secteur non vérifié : aucune commune indiquée, or certaines ressources ne "
                        "desservent qu'une partie du territoire.")
    if commune is not None and not any(c.insee == commune
                                       for c in territory.data.territory.communes):
        warnings.append(f"La commune {commune} est hors du territoire « {territory.name} » : "
                        "seules les ressources sans secteur, ou dont le secteur la comprend, sont "
                        "proposées.")
    stale_days = grid.model.matching.stale_days
    for r in shown:
        if r.verified_on is not None and (today - r.verified_on).days > stale_days:
            warnings.append(f"« {r.name} » : fiche non vérifiée depuis plus d'un an "
                            f"(dernière vérification le {r.verified_on.strftime('%d/%m/%Y')}).")
    for warning, condition in grid.resource_warnings:
        if holds(condition, result.answers) and any(getattr(r, warning.flag) for r in shown):
            warnings.append(warning.text)
    return warnings


def placed_fitting(territory: Territory, situation: Situation, level: str, grid: Grid,
                   age: int | None, commune: str | None) -> list[Resource]:
    """Every resource of a level's cell (all its kinds) that fits a patient, in rule-3 order."""
    kinds = situation.kinds(level, grid)
    found = [r for r in territory.resources
             if is_placed(r, situation.id, level, kinds) and fits(r, age, commune)]
    return ordered(found, rapid=False)
