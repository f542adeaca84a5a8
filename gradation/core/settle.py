"""When the answers already given settle the orientation, the questionnaire stops asking.

The orientation is settled when every way of answering the questions still to come gives the
same result — level, delay, reasons, every list of resources, numbers and warnings: those
questions cannot change anything the GP reads, and are listed in the result as « non demandé
(aucune réponse n'y changerait rien) ». The check is exact: every completion is decided in
full, with the territory (a cheap comparison of the decision alone rules most cases out
first). A red flag still to come never settles anything (answered « oui », it leads to
urgence), and the age and the commune are always asked (they choose the resources). A script
may leave out what the questionnaire would not ask, and only that: `result_for`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from itertools import islice
from typing import Any

from gradation.core.decision import assess, numbers_for
from gradation.core.model import Grid, Situation, Territory
from gradation.core.result import Result
from gradation.core.schema import Question
from gradation.core.space import candidate_values, completions, to_come

ALWAYS_ASKED = ("age", "commune")
LIMIT = 4096  # answer sets explored at most; beyond, nothing is skipped


def outcome(grid: Grid, situation: Situation, answers: Mapping[str, Any]) -> tuple[Any, ...]:
    """The decision alone, cheaply: level, delay, the rules that fire, numbers."""
    found = assess(grid, situation, answers)
    numbers = tuple(n.dial for n in numbers_for(grid, found.level, answers, False,
                                                situation=situation.id, delay=found.delay))
    fired = tuple(sorted((r.id, r.delay, r.reason) for r in [*found.flags, *found.rules]))
    return found.level, found.delay, fired, numbers


def projection(result: Result) -> tuple[Any, ...]:
    """Everything a GP reads in a result, but what was answered: level, delay, reasons, every
    list of resources (and why each is there), numbers and warnings."""
    def ids(resources: list[Any]) -> tuple[str, ...]:
        return tuple(r.id for r in resources)

    reasons = tuple((r.rule, r.level, r.delay, r.text, r.source, r.cell, r.advice, r.meanwhile)
                    for r in result.reasons)
    return (result.level, result.delay, reasons, ids(result.resources), ids(result.bridge),
            result.bridge_reason, ids(result.alongside), ids(result.fallback),
            result.fallback_needed, tuple(result.looked_for),
            tuple(sorted((k, tuple(v)) for k, v in result.because.items())),
            tuple(n.dial for n in result.numbers), tuple(result.warnings), tuple(result.also))


def _values(situation: Situation, question: Question) -> list[Any]:
    values = candidate_values(situation, question)
    return [None, *values] if question.optional else values


def settled(grid: Grid, situation: Situation, answers: Mapping[str, Any],
            territory: Territory | None = None, today: dt.date | None = None) -> bool:
    """True when no answer still to come can change the result."""
    from gradation.core.decision import decide

    coming = to_come(situation, answers)
    if not coming or any(q.id in ALWAYS_ASKED for q in coming):
        return not coming
    every = list(islice(completions(situation, partial(_values, situation), answers),
                        LIMIT + 1))
    if len(every) > LIMIT:
        return False
    if len({outcome(grid, situation, complete) for complete in every}) > 1:
        return False
    seen: set[tuple[Any, ...]] = set()
    for complete in every:
        seen.add(projection(decide(grid, situation, complete, territory, today)))
        if len(seen) > 1:
            return False
    return True


def pending(situation: Situation, answers: Mapping[str, Any]) -> list[str]:
    """The questions of the path still without an answer."""
    return [q.id for q in to_come(situation, answers)]


def unneeded(grid: Grid, situation: Situation, raw: Mapping[str, Any],
             territory: Territory | None = None, today: dt.date | None = None) -> list[str]:
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
    for question in to_come(situation, answers):
        if situation.is_optional(question, answers):
            answers[question.id] = None
    return pending(situation, answers) if settled(grid, situation, answers, territory,
                                                  today) else []


def result_for(grid: Grid, situation: Situation, raw: Mapping[str, Any],
               territory: Territory | None = None, today: dt.date | None = None) -> Result:
    """The result of a questionnaire's or a script's answers: what they leave out is accepted,
    and listed as not asked, when no answer to it could change the result; otherwise it is
    missing (exit 2, each question named)."""
    from gradation.core.answers import AnswerError
    from gradation.core.decision import decide

    try:
        not_asked = unneeded(grid, situation, raw, territory, today)
    except AnswerError:  # a refused answer: decide says it (or lets a red flag win)
        not_asked = []
    return decide(grid, situation, raw, territory, today, not_asked=not_asked)
