"""A situation's answer space: which questions the answers given so far put on the path, which
are still to come, a finite set of answers that covers every class of each question, and every
way to complete an answer set.

The questionnaire (which questions to ask next, and whether the rest can still change the
result: settle.py) and the grid's proofs (proofs.py) walk this one space.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from gradation.core.conditions import Compare, Condition, comparisons, holds
from gradation.core.model import Situation
from gradation.core.schema import Question


def is_asked(situation: Situation, question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether the answers given put this question on the path (its `when` holds)."""
    return holds(situation.conditions.get(question.id), answers)


def path(situation: Situation, answers: Mapping[str, Any]) -> list[Question]:
    """The questions asked for these answers, in order (conditions read earlier answers only)."""
    return [q for q in situation.questions if is_asked(situation, q, answers)]


def to_come(situation: Situation, answers: Mapping[str, Any]) -> list[Question]:
    """The questions of the path still without an answer, in order."""
    return [q for q in situation.questions
            if q.id not in answers and is_asked(situation, q, answers)]


def restrict_to_path(situation: Situation, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the answers of the questions asked on this path only."""
    kept: dict[str, Any] = {}
    for q in situation.questions:
        if q.id in answers and is_asked(situation, q, kept):
            kept[q.id] = answers[q.id]
    return kept


def boundaries(cmp: Compare) -> tuple[int, ...]:
    """The values at which a comparison with an integer may change its truth: each class of
    answers starts at the lowest bound of the range or at one of these."""
    value = cmp.value
    if cmp.op in (">=", "<"):
        return (value,)
    if cmp.op in (">", "<="):
        return (value + 1,)
    return (value, value + 1)


def class_starts(low: int, high: int, conditions: Iterable[Condition | None], qid: str
                 ) -> list[int]:
    """One answer per class of an integer question: the range's lowest value, and every
    boundary inside the range where a condition reading it may change."""
    points = {low}
    for c in conditions:
        for cmp in comparisons(c) if c is not None else ():
            if cmp.question == qid and isinstance(cmp.value, int) and not isinstance(
                    cmp.value, bool):
                points.update(b for b in boundaries(cmp) if low < b <= high)
    return sorted(points)


def candidate_values(situation: Situation, question: Question) -> list[Any]:
    """A finite set of answers that covers every class of a question's answer space."""
    if question.type == "boolean":
        return [False, True]
    if question.type == "choice":
        return question.choice_ids()
    if question.type in ("integer", "score"):
        if question.min is None or question.max is None:
            raise ValueError(f"question « {question.id} » sans bornes")
        conditions = [r.condition for r in situation.rules] + list(situation.conditions.values())
        return class_starts(question.min, question.max, conditions, question.id)
    return [None]


def completions(situation: Situation, values: Callable[[Question], Sequence[Any]],
                given: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Every complete answer set that keeps the `given` answers, following the path: each
    question on the path and not given takes each of its `values` in turn."""
    questions = situation.questions
    answers = dict(given or {})
    kept = frozenset(answers)

    def walk(i: int) -> Iterator[dict[str, Any]]:
        if i == len(questions):
            yield dict(answers)
            return
        q = questions[i]
        if q.id in kept or not is_asked(situation, q, answers):
            yield from walk(i + 1)
            return
        for value in values(q):
            answers[q.id] = value
            yield from walk(i + 1)
        answers.pop(q.id, None)

    yield from walk(0)
