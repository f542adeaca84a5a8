"""Proofs about a grid, by exhausting its finite answer space.

Score and age thresholds cut their ranges into classes, so a handful of values per question
covers every behaviour of the rules. Each property that fails comes with a concrete set of
answers that shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .conditions import comparisons
from .engine import (RANK, candidate_values, display_answer, is_asked, level_of,
                     restrict_to_path)
from .loader import SAFETY_RED_FLAGS, Grid, Situation
from .schema import Question


@dataclass(frozen=True, slots=True)
class Finding:
    situation: str
    check: str  # kinds, red-flag, monotone, dead-question, dead-rule, unreachable-level
    message: str
    answers: dict[str, Any]


def _values(situation: Situation, question: Question) -> list[Any]:
    if question.id == "commune":
        return [None]
    if question.id == "age":
        low, high = situation.spec.age.min, situation.spec.age.max
        points = {low, high}
        for c in situation.conditions.values():
            for cmp in comparisons(c) if c is not None else ():
                if cmp.question == "age" and isinstance(cmp.value, int):
                    points.update({cmp.value - 1, cmp.value, cmp.value + 1})
        return sorted(p for p in points if low <= p <= high)
    values = candidate_values(situation, question)
    return [None, *values] if question.optional else values


def paths(situation: Situation, safe: bool = True) -> Iterator[dict[str, Any]]:
    """Every complete answer set of the situation, following its conditions.

    With `safe`, red-flag questions keep their negative answer (the non-urgent space); the red
    flags are proved separately.
    """
    flags = dict(SAFETY_RED_FLAGS)
    questions = situation.questions

    def walk(i: int, answers: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if i == len(questions):
            yield dict(answers)
            return
        q = questions[i]
        if not is_asked(situation, q, answers):
            yield from walk(i + 1, answers)
            return
        values = _values(situation, q)
        if safe and q.id in flags:
            values = [v for v in values if v != flags[q.id]]
        for value in values:
            answers[q.id] = value
            yield from walk(i + 1, answers)
        del answers[q.id]

    yield from walk(0, {})


def _more_severe(question: Question, value: Any) -> Any | None:
    """The next more severe answer, or None (unordered questions, age and commune have none)."""
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
        assert question.max is not None
        return value + 1 if value < question.max else None
    return None


def check_situation(grid: Grid, situation: Situation) -> list[Finding]:
    findings: list[Finding] = []
    sid = situation.id
    cache: dict[tuple[Any, ...], str] = {}

    def level(answers: dict[str, Any]) -> str:
        key = tuple(sorted(answers.items(), key=lambda kv: kv[0]))
        if key not in cache:
            cache[key] = level_of(situation, answers, grid)
        return cache[key]

    asked: set[str] = set()
    decisive: set[str] = set()
    reached: set[str] = set()
    seen_checks: set[str] = set()

    def report(check: str, message: str, answers: dict[str, Any]) -> None:
        if (check, message) not in seen_checks:
            seen_checks.add((check, message))  # type: ignore[arg-type]
            findings.append(Finding(sid, check, message, dict(answers)))

    for answers in paths(situation):
        asked.update(answers)
        result = level(answers)
        reached.add(result)
        if not situation.kinds(result, grid):
            report("kinds", f"le niveau {result} n'a aucun type de ressource", answers)
        fired = [r for r in situation.rules if r.condition.evaluate(answers) is True]
        decisive.update(r.id for r in fired if r.level == result)
        # Red flags: each positive flag leads to urgence, whatever the other answers.
        for qid, positive in SAFETY_RED_FLAGS:
            q = situation.question(qid)
            if q is None or qid not in answers:
                continue
            trial = dict(answers)
            trial[qid] = positive
            if level(trial) != "urgence":
                report("red-flag", f"« {qid} » positif ne mène pas à l'urgence", trial)
        # Monotonicity: one answer made more severe never lowers the level.
        for q in situation.questions:
            severe = _more_severe(q, answers.get(q.id))
            if severe is None or (q.id in dict(SAFETY_RED_FLAGS) and
                                  severe == dict(SAFETY_RED_FLAGS)[q.id]):
                continue
            trial = restrict_to_path(situation, {**answers, q.id: severe})
            if RANK[level(trial)] < RANK[result]:
                report("monotone",
                       f"« {q.id} » passé de {display_answer(q, answers[q.id])} à "
                       f"{display_answer(q, severe)} abaisse le niveau de {result} à "
                       f"{level(trial)}", answers)
    for q in situation.questions:
        if q.id not in asked and q.id not in dict(SAFETY_RED_FLAGS):
            report("dead-question", f"la question « {q.id} » n'est jamais posée", {})
    for rule in situation.rules:
        if rule.id not in decisive:
            report("dead-rule", f"la règle « {rule.id} » ne décide jamais du niveau "
                   "(jamais vraie, ou toujours dominée par une règle de niveau supérieur)", {})
    for lv in situation.spec.levels:
        if str(lv) not in reached:
            report("unreachable-level", f"le niveau {lv} n'est jamais atteint", {})
    return findings


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
