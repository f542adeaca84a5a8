"""Which resources of a territory answer a result (territory-format.md, rules 1 to 7).

Pure functions: the caller passes the grid, the territory, the assessment and today's date.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from typing import Any

from gradation.core.conditions import holds
from gradation.core.facts import DELAY_RANK, is_minor, result_facts, stale_text
from gradation.core.model import CompiledRule, Grid, Situation, Territory
from gradation.core.result import Assessment, Result
from gradation.core.schema import Resource

TIMED = ("rapide", "sous-72h")  # the delays whose resources must see the patient in time
IN_TIME = {"rapide": "dans la semaine", "sous-72h": "sous 72 h"}


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


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


def _call_order(rules: list[CompiledRule]) -> dict[str, int]:
    """Key (e): each kind's best index in the calls of the most urgent rule that calls it."""
    best: dict[str, tuple[int, int]] = {}
    for rule in rules:
        for i, kind in enumerate(rule.calls):
            key = (-DELAY_RANK[rule.delay], i)
            if kind not in best or key < best[kind]:
                best[kind] = key
    return {kind: index for kind, (_, index) in best.items()}


class Order:
    """Rule 3: the sort keys (a) to (g) of every list of a result."""

    def __init__(self, grid: Grid, situation: Situation, assessment: Assessment,
                 answers: dict[str, Any], delay: str, today: dt.date) -> None:
        self.delay = delay
        self.today = today
        self.timed = delay in TIMED
        rules = [*assessment.flags, *assessment.rules]
        self.psy_kinds = {k for r in rules if r.psy and r.delay == delay for k in r.calls}
        self.other_kinds = {k for r in rules if not r.psy and r.delay == delay for k in r.calls}
        self.young = set(grid.model.minors.young_kinds) if is_minor(grid, answers) else set()
        self.called = _call_order(rules)
        level_one = situation.plain_kinds("1", grid)
        self.uncalled = {kind: i for i, kind in enumerate(level_one)}
        self.fallback = {kind: i for i, kind in enumerate(grid.model.urgence_kinds)}

    def fast(self, res: Resource) -> bool:
        return res.is_fast(self.delay, self.today)

    def kind_rank(self, kind: str) -> tuple[int, int]:
        if kind in self.called:
            return 0, self.called[kind]
        if kind in self.uncalled:
            return 1, self.uncalled[kind]
        if kind in self.fallback:
            return 2, self.fallback[kind]
        return 3, 0

    def key(self, res: Resource) -> tuple[Any, ...]:
        group = 0
        if self.timed:
            group = 0 if res.kind in self.psy_kinds else 1 if res.kind in self.other_kinds else 2
        speed = 0 if not self.timed or self.fast(res) else 1
        young = 0 if res.kind in self.young else 1
        return (group, speed, young, res.wait_weeks is None, res.wait_weeks or 0,
                self.kind_rank(res.kind), fold(res.name), res.id)

    def sort(self, resources: Iterable[Resource]) -> list[Resource]:
        return sorted(resources, key=self.key)


class _Matcher:
    """The resources of one result, built list by list."""

    def __init__(self, result: Result, assessment: Assessment, grid: Grid,
                 territory: Territory, today: dt.date) -> None:
        self.result = result
        self.assessment = assessment
        self.grid = grid
        self.territory = territory
        self.today = today
        self.situation: Situation = result.situation
        self.age = result.answers.get("age")
        self.commune = result.answers.get("commune")
        self.order = Order(grid, self.situation, assessment, result.answers, result.delay,
                           today)
        self.listed: set[str] = set()
        self.level_one_rules = [r for r in assessment.rules if r.level == "1"]
        spec = self.situation.level_spec("1")
        called_only = set(spec.called_only) if spec else set()
        self.called_only = [k for r in self.level_one_rules for k in r.calls
                            if k in called_only]
        # The kinds placed at (S, 1): the plain level-1 kinds, and those the level-1 rules call.
        self.level_one_kinds = list(dict.fromkeys(
            [*self.situation.plain_kinds("1", grid),
             *(k for r in self.level_one_rules for k in r.calls)]))
        self.unanswered: list[CompiledRule] = []
        self.mon_soutien_psy = any(
            holds(condition, self.facts()) for warning, condition in grid.resource_warnings
            if warning.flag == "mon_soutien_psy")
        result.mon_soutien_psy_excluded = self.mon_soutien_psy

    def facts(self) -> dict[str, Any]:
        return result_facts(self.result.answers, self.result.level, self.result.delay,
                            self.situation.id, self.result.fallback_needed)

    def placed(self, level: str, kinds: Iterable[str], by_hand: bool = True,
               again: bool = False) -> list[Resource]:
        """The resources placed at (situation, level) for these kinds that fit the patient, not
        already listed (unless `again`); `by_hand` keeps those placed by an explicit `level`."""
        kinds = set(kinds)
        found = [r for r in self.territory.resources
                 if (again or r.id not in self.listed) and (by_hand or r.level is None)
                 and is_placed(r, self.situation.id, level, kinds)
                 and fits(r, self.age, self.commune)]
        return self.order.sort(found)

    def take(self, resources: list[Resource], callers: dict[str, list[str]] | None = None
             ) -> list[Resource]:
        for res in resources:
            self.listed.add(res.id)
            by_kind = [] if callers is None or res.level is not None else callers.get(res.kind, [])
            self.result.because[res.id] = list(by_kind)
        return resources

    def level_one_callers(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for rule in self.level_one_rules:
            for kind in rule.calls:
                out.setdefault(kind, []).append(rule.id)
        return out

    def main(self) -> None:
        level = self.result.level
        if level == "1":
            callers = self.level_one_callers()
            kinds = self.level_one_kinds
        else:
            callers = self.assessment.callers(level)
            kinds = list(callers)
        self.result.resources = self.take(self.placed(level, kinds), callers)
        if not self.result.resources:
            self.result.looked_for = kinds

    def bridge(self) -> None:
        """Rule 4: level-1 resources while waiting, only of the kinds that can bridge."""
        answers = self.result.answers
        if self.result.level not in ("2", "3") or answers.get("suivi_psychiatrique") is True:
            return
        need = self.bridge_need()
        if need is None:
            return
        reason, bridged = need
        allowed = self.bridge_kinds()
        found = [r for r in self.placed("1", self.level_one_kinds)
                 if r.kind in allowed
                 and (bridged is None or r.wait_weeks is None or r.wait_weeks < bridged)
                 and not (r.mon_soutien_psy and self.mon_soutien_psy)]
        self.result.bridge = self.take(found, self.level_one_callers())
        self.result.bridge_reason = reason if found else None

    def bridge_need(self) -> tuple[str, int | None] | None:
        """Why the wait needs a bridge, and the shortest wait of the level (None when no
        resource of the level fits): or None, no bridge needed."""
        if not self.result.resources:
            return "aucune ressource de ce niveau ne correspond", None
        waits = [r.wait_weeks for r in self.result.resources if r.wait_weeks is not None]
        if waits and min(waits) > self.grid.model.matching.bridge_weeks:
            return f"délai d'attente de {min(waits)} semaines", min(waits)
        return None

    def bridge_kinds(self) -> set[str]:
        """The kinds that can bridge a wait: the rapid ones, and the situation's extras unless
        their condition holds (model.yaml, matching.bridge_extra)."""
        matching = self.grid.model.matching
        allowed = set(matching.rapid_bridge_kinds)
        for extra in matching.bridge_extra:
            if self.situation.id not in extra.situations:
                continue
            if not (extra.unless and holds(self.grid.bridge_conditions.get(extra.unless),
                                           self.result.answers)):
                allowed.update(extra.kinds)
        return allowed

    def alongside(self) -> None:
        """Rule 5: proximity care where the level complements it; at level 3 the resources
        called by the level-2 reasons that hold; the called-only kinds of level-1 rules."""
        level = self.result.level
        if level not in ("2", "3"):
            return
        spec = self.situation.level_spec(level)
        called = self.assessment.callers(level)
        complements = bool(called) and all(self.grid.complements(k) for k in called)
        ones = self.level_one_callers()
        out: list[Resource] = []
        if (spec is not None and spec.alongside) or complements:
            out += self.take(self.placed("1", self.level_one_kinds), ones)
        if level == "3":
            lower = self.assessment.callers("2")
            out += self.take(self.placed("2", lower, by_hand=False), lower)
        out += self.take(self.placed("1", self.called_only, by_hand=False), ones)
        self.result.alongside = out

    def answered(self, rule: CompiledRule, listed: list[Resource]) -> bool:
        """Rule 7: a listed resource called by the rule (for a psy rule, a psychiatric kind
        called by it or by a psy rule at least as urgent) can see the patient in time."""
        psy_kinds = set(self.grid.model.matching.psy_kinds)
        if rule.psy:
            kinds = {k for r in self.assessment.rules if r.psy
                     and DELAY_RANK[r.delay] >= DELAY_RANK[rule.delay] for k in r.calls}
            kinds = (kinds | set(rule.calls)) & psy_kinds
        else:
            kinds = set(rule.calls)
        return any(r.kind in kinds and r.is_fast(rule.delay, self.today) for r in listed)

    def fallback(self) -> None:
        """Rule 7: each `rapide` or `sous-72h` reason that no listed resource answers in time
        sends to the urgence resources, and the 15."""
        if self.result.level == "urgence":
            return
        listed = [*self.result.resources, *self.result.alongside]
        self.unanswered = [r for r in self.assessment.timed() if not self.answered(r, listed)]
        if not self.unanswered:
            return
        self.result.fallback_needed = True
        self.result.fallback_delay = max((r.delay for r in self.unanswered),
                                         key=DELAY_RANK.__getitem__)
        psy = any(r.psy for r in self.unanswered)
        facts = self.facts()
        kinds = [entry.kind for entry, condition in self.grid.fallback
                 if (psy or not entry.psy_only) and holds(condition, facts)]
        ids = [r.id for r in self.unanswered]
        # Not deduplicated: a crisis centre listed but not fast is the place to go all the same.
        self.result.fallback = self.take(self.placed("urgence", kinds, by_hand=False, again=True),
                                         {kind: ids for kind in kinds})


def match_resources(result: Result, assessment: Assessment, grid: Grid, territory: Territory,
                    today: dt.date) -> None:
    """Fill the resource lists of a result, and the warnings they call for."""
    matcher = _Matcher(result, assessment, grid, territory, today)
    matcher.main()
    matcher.bridge()
    matcher.alongside()
    matcher.fallback()
    result.warnings.extend(_warnings(matcher, today))


def _missing_kinds(matcher: _Matcher) -> list[str]:
    """« Pas de <kind> … (<reason>) » for each kind a rule calls that no resource placed for
    the situation fits: the rules of the result's level, and the timed rules below it."""
    result, grid = matcher.result, matcher.grid
    if result.level not in ("2", "3"):
        return []
    rules = [r for r in matcher.assessment.rules
             if r.level == result.level or (r.level != "1" and r.delay in TIMED)]
    # A service for young people is not « missing » for an adult.
    said = set() if is_minor(grid, result.answers) else set(grid.model.minors.young_kinds)
    out: list[str] = []
    for rule in rules:
        for kind in rule.calls:
            if kind not in said and not _any_fits(matcher, kind):
                said.add(kind)
                out.append(f"Pas de {grid.kind_label(kind)} pour ce patient dans le territoire "
                           f"({rule.reason}).")
    return out


def _any_fits(matcher: _Matcher, kind: str) -> bool:
    """Whether a resource of this kind, for this situation, fits the patient."""
    return any(r.kind == kind and (r.situations is None or matcher.situation.id in r.situations)
               and fits(r, matcher.age, matcher.commune) for r in matcher.territory.resources)


def _warnings(matcher: _Matcher, today: dt.date) -> list[str]:
    result, grid, territory = matcher.result, matcher.grid, matcher.territory
    commune = result.answers.get("commune")
    shown = [*result.resources, *result.alongside, *result.bridge, *result.fallback]
    warnings = [f"Pour « {rule.reason} » : personne ne peut recevoir le patient "
                f"{IN_TIME[rule.delay]}." for rule in matcher.unanswered]
    warnings += _missing_kinds(matcher)
    if commune is None and any(r.serves is not None for r in shown):
        warnings.append("Secteur non vérifié : aucune commune indiquée, or certaines ressources ne "
                        "desservent qu'une partie du territoire.")
    if commune is not None and not any(c.insee == commune
                                       for c in territory.data.territory.communes):
        warnings.append(f"La commune {commune} est hors du territoire « {territory.name} » : "
                        "seules les ressources sans secteur, ou dont le secteur la comprend, sont "
                        "proposées.")
    for r in {r.id: r for r in shown}.values():
        warnings += _freshness(r, grid.model.matching.stale_days, today)
    facts = matcher.facts()
    for warning, condition in grid.resource_warnings:
        if holds(condition, facts) and any(getattr(r, warning.flag) for r in shown):
            warnings.append(warning.text)
    return warnings


def _freshness(r: Resource, stale_days: int, today: dt.date) -> list[str]:
    """An entry not verified for too long; an urgent slot or a wait declared over six months
    ago."""
    out = []
    if r.verified_on is not None and (today - r.verified_on).days > stale_days:
        out.append(f"« {r.name} » : fiche non vérifiée depuis {stale_text(stale_days)} "
                   f"(dernière vérification le {r.verified_on.strftime('%d/%m/%Y')}).")
    if r.urgent_is_stale(today) and r.wait_as_of is not None:
        out.append(f"« {r.name} » : délai urgent déclaré le "
                   f"{r.wait_as_of.strftime('%d/%m/%Y')}, il y a plus de six mois : il "
                   "ne compte plus comme rapide (à vérifier auprès du service).")
    elif r.wait_is_stale(today) and r.wait_as_of is not None and r.wait_weeks is not None:
        out.append(f"« {r.name} » : délai de {r.wait_weeks} semaine"
                   f"{'s' if r.wait_weeks > 1 else ''} déclaré le "
                   f"{r.wait_as_of.strftime('%d/%m/%Y')}, il y a plus de six mois (à "
                   "vérifier auprès du service).")
    return out
