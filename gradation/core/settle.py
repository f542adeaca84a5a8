"""When the answers already given settle the orientation, the questionnaire stops asking.

The orientation is settled when every way of answering the questions still to come gives the
same level, delay, called kinds and numbers: those questions cannot change what the GP will do,
and are listed in the result as « non demandé (sans effet sur l'orientation) ». A red flag still
to come never settles anything (answered « oui », it leads to urgence), and the age and the
commune are always asked (they choose the resources).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gradation.core.decision import assess, candidate_values, is_asked, numbers_for
from gradation.core.model import Grid, Situation
from gradation.core.schema import Question

ALWAYS_ASKED = ("age", "commune")
LIMIT = 4096  # answer sets explored at most; beyond, nothing is skipped


def outcome(grid: Grid, situation: Situation, answers: Mapping[str, Any]) -> tuple[Any, ...]:
    """What a GP acts on: level, delay, called kinds, numbers."""
    found = assess(grid, situation, answers)
    kinds = (tuple(situation.kinds("1", grid)) if found.level == "1"
             else tuple(sorted(found.callers(found.level))))
    numbers = tuple(n.dial for n in numbers_for(grid, found.level, answers, False,
                                                situation=situation.id, delay=found.delay))
    return found.level, found.delay, kinds, numbers


def _values(situation: Situation, question: Question) -> list[Any]:
    values = candidate_values(situation, question)
    return [None, *values] if question.optional else values


def _completions(situation: Situation, answers: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every way to answer the questions still to come, following the path's conditions."""
    questions = situation.questions

    def walk(i: int, current: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if i == len(questions):
            yield current
            return
        q = questions[i]
        if q.id in current or not is_asked(situation, q, current):
            yield from walk(i + 1, current)
            return
        for value in _values(situation, q):
            yield from walk(i + 1, {**current, q.id: value})

    yield from walk(0, dict(answers))


def settled(grid: Grid, situation: Situation, answers: Mapping[str, Any]) -> bool:
    """True when no answer still to come can change the orientation."""
    pending = [q for q in situation.questions
               if q.id not in answers and is_asked(situation, q, answers)]
    if not pending or any(q.id in ALWAYS_ASKED for q in pending):
        return not pending
    seen: set[tuple[Any, ...]] = set()
    for count, complete in enumerate(_completions(situation, dict(answers))):
        if count >= LIMIT:
            return False
        seen.add(outcome(grid, situation, complete))
        if len(seen) > 1:
            return False
    return True


def pending(situation: Situation, answers: Mapping[str, Any]) -> list[str]:
    """The questions of the path still without an answer."""
    return [q.id for q in situation.questions
            if q.id not in answers and is_asked(situation, q, answers)]


def unneeded(grid: Grid, situation: Situation, raw: Mapping[str, Any]) -> list[str]:
    """The questions of the path left without an answer that could not change the orientation
    (none when they could): a vignette or a case may leave them out, as the questionnaire does."""
    from gradation.core.decision import normalise_answers

    answers = normalise_answers(grid, situation, raw)
    # Written, not asked: an optional question the questionnaire always asks (the commune,
    # which chooses the resources) is simply not given, and settles nothing.
    for qid in ALWAYS_ASKED:
        question = situation.question(qid)
        if qid not in answers and question is not None and question.optional:
            answers[qid] = None
    # An optional question left out of a script is unanswered (« non évalué »), not to come.
    for question in situation.questions:
        if (question.id not in answers and situation.is_optional(question, answers)
                and is_asked(situation, question, answers)):
            answers[question.id] = None
    return pending(situation, answers) if settled(grid, situation, answers) else []
