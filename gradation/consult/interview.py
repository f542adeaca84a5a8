"""The questionnaire's logic, without any terminal: what to ask next, going back, review.

An `Asker` (the questionary adapter, or a test double) is handed each question; this module
decides the order, drops the answers of an abandoned branch, stops at the first red flag and
offers a review before the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from gradation.core.decision import is_asked, red_flags, restrict_to_path
from gradation.core.model import Grid, Situation
from gradation.core.schema import Question

BACK = object()  # the answer that means « revenir à la question précédente »


class Asker(Protocol):
    def question(self, question: Question, current: Any, can_go_back: bool,
                 situation: Situation) -> Any: ...

    def review(self, situation: Situation, answers: Mapping[str, Any]) -> str | None | object:
        """None to see the result, a question id to change it, or BACK."""
        ...


def _next(situation: Situation, answers: Mapping[str, Any]) -> Question | None:
    for question in situation.questions:
        if question.id not in answers and is_asked(situation, question, answers):
            return question
    return None


def _prune(situation: Situation, answers: dict[str, Any], history: list[str]) -> None:
    """Forget the answers given in this session to questions no longer on the path."""
    kept = restrict_to_path(situation, answers)
    for qid in list(history):
        if qid not in kept:
            history.remove(qid)
            answers.pop(qid, None)


def interview(grid: Grid, situation: Situation, preset: Mapping[str, Any],
              asker: Asker) -> dict[str, Any]:
    """Ask what is missing; return the answers (normalised values, None for « non évalué »)."""
    answers: dict[str, Any] = dict(preset)
    history: list[str] = []
    while True:
        if red_flags(grid, answers):
            return answers  # a red flag ends the questionnaire: urgence
        question = _next(situation, answers)
        if question is None:
            if not history:
                return answers  # everything came from the command line: nothing to review
            choice = asker.review(situation, answers)
            if choice is None:
                return answers
            if choice is BACK:
                if history:
                    answers.pop(history.pop())
                continue
            target = situation.question(str(choice))
            if target is None:
                continue
            value = asker.question(target, answers.get(target.id), False, situation)
            if value is BACK:
                continue
            answers[target.id] = value
            if target.id not in history:
                history.append(target.id)
            _prune(situation, answers, history)
            continue
        value = asker.question(question, None, bool(history), situation)
        if value is BACK:
            if history:
                answers.pop(history.pop())
            continue
        answers[question.id] = value
        history.append(question.id)
        _prune(situation, answers, history)
