"""Proofs about a grid, by exhausting its finite answer space.

Score and age thresholds cut their ranges into classes, so a handful of values per question
covers every behaviour of the rules. Each property that fails comes with a concrete set of
answers that shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gradation.core.conditions import comparisons, holds
from gradation.core.decision import RANK, assess, display_answer
from gradation.core.facts import DELAY_RANK
from gradation.core.model import SAFETY_RED_FLAGS, Grid, Situation
from gradation.core.result import Assessment
from gradation.core.schema import Question
from gradation.core.space import candidate_values, class_starts, completions, restrict_to_path


@dataclass(frozen=True, slots=True)
class Finding:
    situation: str
    check: str  # kinds, fallback, red-flag, monotone, dead-question, dead-rule, unreachable-level
    message: str
    answers: dict[str, Any]


def _every_condition(grid: Grid, situation: Situation) -> list[Any]:
    """Every condition that may read an answer: questions' `when`, rules and their faster
    delays and wordings, red flags."""
    out: list[Any] = [*situation.conditions.values(), *situation.optional_when.values()]
    out += [c for variants in situation.variants.values() for c, _ in variants]
    for rule in [*situation.rules, *grid.red_flags]:
        out += [rule.condition, *(c for c, _ in rule.sooner),
                *(v.condition for v in rule.variants)]
    return [c for c in out if c is not None]


def _polarity(cond: Any, negated: bool = False) -> Iterator[tuple[Any, bool]]:
    """Each comparison of a condition, with whether a `not` wraps it."""
    from gradation.core.conditions import Compare, Not

    if isinstance(cond, Compare):
        yield cond, negated
    elif isinstance(cond, Not):
        yield from _polarity(cond.item, not negated)
    else:
        for item in cond.items:
            yield from _polarity(item, negated)


def unanswered_is_lowest(grid: Grid, situation: Situation, question: Question,
                         lowest: Any) -> bool:
    """An unanswered optional question acts as its lowest answer when every comparison that
    reads it is false there and no `not` wraps it: a condition holds only when it is true, and
    an unknown part of a condition without negation is then no different from a false one (an
    exact reduction)."""
    for condition in _every_condition(grid, situation):
        for cmp, negated in _polarity(condition):
            if cmp.question == question.id and (negated or cmp.evaluate(
                    {question.id: lowest}) is not False):
                return False
    return True


def read_questions(grid: Grid, situation: Situation) -> set[str]:
    """The questions that some condition of the situation reads (the others cannot change the
    level, the delay or the called kinds: one value of theirs stands for all)."""
    return {cmp.question for c in _every_condition(grid, situation) for cmp in comparisons(c)}


def _values(situation: Situation, question: Question, grid: Grid | None = None) -> list[Any]:
    if question.id == "commune":
        return [None]
    if question.id == "age":
        low, high = situation.spec.age.min, situation.spec.age.max
        conditions = (situation.conditions.values() if grid is None
                      else _every_condition(grid, situation))
        starts = class_starts(low, high, conditions, "age")
        if grid is not None and low < grid.model.minors.below <= high:
            starts = sorted({*starts, grid.model.minors.below})
        return starts
    values = candidate_values(situation, question)
    unread = grid is not None and question.id not in read_questions(grid, situation)
    if unread and question.id not in dict(SAFETY_RED_FLAGS):
        return values[:1]  # read by no condition: one value stands for all (an exact reduction)
    if not (question.optional or question.optional_when):
        return values
    if grid is not None and unanswered_is_lowest(grid, situation, question, values[0]):
        return values
    return [None, *values]


def paths(situation: Situation, safe: bool = True, grid: Grid | None = None
          ) -> Iterator[dict[str, Any]]:
    """Every complete answer set of the situation, following its conditions.

    With `safe`, red-flag questions keep their negative answer (the non-urgent space); the red
    flags are proved separately.
    """
    flags = dict(SAFETY_RED_FLAGS)
    classes = {q.id: _values(situation, q, grid) for q in situation.questions}

    def values(q: Question) -> list[Any]:
        if safe and q.id in flags:
            return [v for v in classes[q.id] if v != flags[q.id]]
        return classes[q.id]

    return completions(situation, values)


def _more_severe(question: Question, value: Any, classes: list[Any]) -> Any | None:
    """The next more severe answer, or None (unordered questions, age and commune have none);
    for an integer, the start of the next class of answers (`classes`)."""
    if question.id in ("age", "commune") or value is None:
        return None
    if question.type == "boolean":
        return True if value is False else None
    if question.type == "choice":
        if not question.ordered:
            return None
        ids = question.choice_ids()
        index = ids.index(value)
        return ids[index + 1] if index + 1 < len(ids) else None
    if question.type in ("integer", "score"):
        return next((v for v in classes if v is not None and v > value), None)
    return None


def called_kinds(grid: Grid, situation: Situation, assessment: Assessment) -> list[str]:
    """The kinds a result calls for (the plain level-1 kinds at level 1)."""
    if assessment.level == "1":
        return situation.plain_kinds("1", grid)
    return list(assessment.callers(assessment.level))


def follows_the_team(assessment: Assessment) -> bool:
    """The one path that ends on a reason rather than a kind: a patient already followed in
    psychiatry whose only rules of the result's level call no kind (default-grid.md)."""
    rules = [r for r in assessment.rules if r.level == assessment.level]
    return bool(rules) and all(not r.calls for r in rules) and any(
        cmp.question == "suivi_psychiatrique" for r in rules for cmp in comparisons(r.condition))


def fallback_kinds(grid: Grid, answers: dict[str, Any], psy: bool = True) -> list[str]:
    """The urgence kinds a fallback may list when no one can see the patient in time (`psy`: a
    psychiatric reason is among those not answered)."""
    return [entry.kind for entry, condition in grid.fallback
            if (condition is None or holds(condition, answers)) and (psy or not entry.psy_only)
            and entry.kind in grid.model.urgence_kinds]


class _Checker:
    def __init__(self, grid: Grid, situation: Situation) -> None:
        self.grid = grid
        self.situation = situation
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str]] = set()
        self.cache: dict[tuple[Any, ...], Assessment] = {}
        self.asked: set[str] = set()
        self.decisive: set[str] = set()
        self.reached: set[str] = set()
        self.classes = {q.id: _values(situation, q, grid) for q in situation.questions}
        self.common_ids = [q.id for q in grid.common.questions]
        self.flags_seen: set[tuple[str, tuple[Any, ...]]] = set()
        # the questions that decide whether another one is asked
        self.gating = {cmp.question for c in situation.conditions.values() if c is not None
                       for cmp in comparisons(c)}

    def assess(self, answers: dict[str, Any]) -> Assessment:
        key = tuple(answers.items())  # every answer set is built in question order
        if key not in self.cache:
            self.cache[key] = assess(self.grid, self.situation, answers)
        return self.cache[key]

    def report(self, check: str, message: str, answers: dict[str, Any]) -> None:
        if (check, message) not in self.seen:
            self.seen.add((check, message))
            self.findings.append(Finding(self.situation.id, check, message, dict(answers)))

    def path(self, answers: dict[str, Any]) -> None:
        self.asked.update(answers)
        result = self.assess(answers)
        self.reached.add(result.level)
        self.decisive.update(r.id for r in [*result.flags, *result.rules]
                             if r.level in (result.level, "1"))
        if not called_kinds(self.grid, self.situation, result) and not follows_the_team(result):
            self.report("kinds", f"le niveau {result.level} n'appelle aucun type de ressource",
                        answers)
        timed = result.timed()
        if timed and not all(fallback_kinds(self.grid, answers, r.psy) for r in timed):
            self.report("fallback", "avis rapide sans aucun type de recours en urgence "
                        "(matching.fallback, model.yaml)", answers)
        self.red_flags(answers)
        self.monotone(answers, result)

    def red_flags(self, answers: dict[str, Any]) -> None:
        """Each positive flag leads to urgence, whatever the other answers.

        Red flags read common questions only, and a positive one decides the level alone: so
        the answer sets that agree on the common questions agree here, and one of them is
        assessed for all (an exact reduction, not a sample)."""
        common = tuple(answers.get(q) for q in self.common_ids)
        for qid, positive in SAFETY_RED_FLAGS:
            if qid not in answers or (qid, common) in self.flags_seen:
                continue
            self.flags_seen.add((qid, common))
            trial = {**answers, qid: positive}
            if self.assess(trial).level != "urgence":
                self.report("red-flag", f"« {qid} » positif ne mène pas à l'urgence", trial)

    def monotone(self, answers: dict[str, Any], result: Assessment) -> None:
        """One answer made more severe never lowers the level nor slows the delay."""
        safety = dict(SAFETY_RED_FLAGS)
        for q in self.situation.questions:
            severe = _more_severe(q, answers.get(q.id), self.classes[q.id])
            if severe is None or safety.get(q.id) == severe:
                continue
            trial = {**answers, q.id: severe}
            if q.id in self.gating:
                trial = restrict_to_path(self.situation, trial)
            after = self.assess(trial)
            change = (f"« {q.id} » passé de {display_answer(q, answers[q.id])} à "
                      f"{display_answer(q, severe)}")
            if RANK[after.level] < RANK[result.level]:
                self.report("monotone", f"{change} abaisse le niveau de {result.level} à "
                            f"{after.level}", answers)
            elif DELAY_RANK[after.delay] < DELAY_RANK[result.delay]:
                self.report("monotone", f"{change} ralentit le délai de {result.delay} à "
                            f"{after.delay}", answers)
            elif lost := self.safety_net(result, after):
                self.report("filet", f"{change} retire l'avis psychiatrique de « {lost} » sans "
                            "raison psychiatrique au moins aussi urgente qui appelle un type "
                            "psychiatrique", answers)

    def safety_net(self, before: Assessment, after: Assessment) -> str | None:
        """The safety net (default-grid.md): when a more severe answer makes a timed psy rule
        stop holding, the result is urgence or a psy rule at least as urgent holds whose calls
        include a psychiatric kind. Returns the rule lost, or None."""
        if after.level == "urgence":
            return None
        psy_kinds = set(self.grid.model.matching.psy_kinds)
        held = {r.id for r in after.rules}
        for rule in before.timed():
            if not rule.psy or rule.id in held:
                continue
            if not any(r.psy and DELAY_RANK[r.delay] >= DELAY_RANK[rule.delay]
                       and psy_kinds & set(r.calls) for r in after.timed()):
                return rule.id
        return None

    def close(self) -> None:
        for q in self.situation.questions:
            if q.id not in self.asked and q.id not in dict(SAFETY_RED_FLAGS):
                self.report("dead-question", f"la question « {q.id} » n'est jamais posée", {})
        for rule in self.situation.rules:
            if rule.id not in self.decisive:
                self.report("dead-rule", f"la règle « {rule.id} » ne décide jamais du niveau "
                            "(jamais vraie, ou toujours dominée par une règle de niveau "
                            "supérieur)", {})
        for lv in self.situation.spec.levels:
            if str(lv) not in self.reached:
                self.report("unreachable-level", f"le niveau {lv} n'est jamais atteint", {})


def check_situation(grid: Grid, situation: Situation) -> list[Finding]:
    checker = _Checker(grid, situation)
    for answers in paths(situation, grid=grid):
        checker.path(answers)
    checker.close()
    return checker.findings


def check_grid(grid: Grid) -> list[Finding]:
    findings: list[Finding] = []
    declared = {c.question for flag in grid.red_flags for c in comparisons(flag.condition)}
    for qid, positive in SAFETY_RED_FLAGS:
        if qid not in declared:
            findings.append(Finding(
                "*", "red-flag",
                f"le drapeau rouge « {qid} » manque dans red_flags (common.yaml) : l'urgence reste "
                "imposée par le programme, mais sans la raison ni la source de la grille",
                {qid: positive}))
    for situation in grid.situations.values():
        findings += check_situation(grid, situation)
    return findings
