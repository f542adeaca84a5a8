"""The questionnaire's logic, without any terminal: what to ask next, going back, review.

An `Asker` (the questionary adapter, or a test double) is handed each question; this module
decides the order, drops the answers of an abandoned branch, stops at the first red flag and
offers a review before the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from gradation.core.decision import red_flags, situation_urgence
from gradation.core.model import SAFETY_RED_FLAGS, Grid, Situation, Territory
from gradation.core.schema import Question
from gradation.core.settle import settled
from gradation.core.space import restrict_to_path, to_come

BACK = object()  # the answer that means « revenir à la question précédente »


class Back:
    """Going back from a checklist with boxes ticked: they are kept for when it comes again
    (the ticked ids; for the context checklist, the answers they make)."""

    def __init__(self, ticked: Any) -> None:
        self.ticked = ticked


class Asker(Protocol):
    def question(self, question: Question, current: Any, can_go_back: bool,
                 situation: Situation) -> Any: ...

    def review(self, situation: Situation, answers: Mapping[str, Any]) -> str | None | object:
        """None to see the result, a question id to change it, or BACK."""
        ...


def _next(situation: Situation, answers: Mapping[str, Any]) -> Question | None:
    coming = to_come(situation, answers)
    return coming[0] if coming else None


def _prune(situation: Situation, answers: dict[str, Any], history: list[list[str]]) -> None:
    """Forget the answers given in this session to questions no longer on the path."""
    kept = restrict_to_path(situation, answers)
    for step in list(history):
        for qid in list(step):
            if qid not in kept:
                step.remove(qid)
                answers.pop(qid, None)
        if not step:
            history.remove(step)


def worded(situation: Situation, question: Question, answers: Mapping[str, Any]) -> Question:
    """The question as it is put to this patient (its wording by age)."""
    text, help_ = situation.wording(question, answers)
    if (text, help_) == (question.text, question.help):
        return question
    return question.model_copy(update={"text": text, "help": help_})


def _checklist_group(grid: Grid, situation: Situation, answers: Mapping[str, Any],
                     first: Question) -> list[Question]:
    """The yes/no red flags still to ask, from `first` on: one screen for all of them."""
    flags = {qid for qid, positive in SAFETY_RED_FLAGS if positive is True}
    if first.id not in flags:
        return []
    return [worded(situation, q, answers) for q in to_come(situation, answers) if q.id in flags]


def context_boxes(questions: list[Question]) -> list[tuple[str, Any, str]]:
    """The boxes of the context checklist, as (question id, answer when ticked, label): one per
    yes/no question, one per value of a choice other than its first (« aucun »)."""
    boxes: list[tuple[str, Any, str]] = []
    for q in questions:
        if q.type == "boolean":
            boxes.append((q.id, True, q.text.rstrip(" ?")))
        else:
            boxes += [(q.id, c.id, c.label) for c in q.values[1:]]
    return boxes


def context_answers(questions: list[Question], ticked: list[tuple[str, Any, str]]
                    ) -> dict[str, Any] | list[str]:
    """The answers of the ticked boxes (an unticked box answers non / aucun), or the texts of
    the questions ticked twice (grossesse and post-partum): to be asked again."""
    twice = [q.text.rstrip(" ?") for q in questions if sum(b[0] == q.id for b in ticked) > 1]
    if twice:
        return twice
    values: dict[str, Any] = {q.id: (False if q.type == "boolean" else q.values[0].id)
                              for q in questions}
    values.update({qid: value for qid, value, _ in ticked})
    return values


def signs_group(situation: Situation, answers: Mapping[str, Any]) -> list[Question]:
    """The situation's yes/no signs still to ask (`screen: signes`): one checklist screen."""
    return [worded(situation, q, answers) for q in to_come(situation, answers)
            if q.screen == "signes"]


def context_group(situation: Situation, answers: Mapping[str, Any]) -> list[Question]:
    """The context questions still to ask (pregnancy, already followed, an attempt already
    treated, suspected maltreatment): one checklist screen."""
    return [worded(situation, q, answers) for q in to_come(situation, answers)
            if q.screen == "context"]


class _Interview:
    def __init__(self, grid: Grid, situation: Situation, preset: Mapping[str, Any],
                 asker: Asker, territory: Territory | None = None,
                 can_leave: bool = False) -> None:
        self.grid = grid
        self.territory = territory
        self.can_leave = can_leave  # going back from the first question returns to the situation
        self.left = False
        self.previous: dict[str, Any] = {}  # answers taken back: offered again when re-asked
        self.situation = situation
        self.asker = asker
        self.answers: dict[str, Any] = dict(preset)
        self.history: list[list[str]] = []  # each step: the questions answered on one screen
        self.can_check = hasattr(asker, "checklist")

    def back(self, ticked: dict[str, Any] | None = None) -> None:
        """Take the last screen back; its answers (and what a checklist had ticked) are
        offered again when it comes back."""
        self.previous.update(ticked or {})
        if self.history:
            for qid in self.history.pop():
                if qid in self.answers:
                    self.previous[qid] = self.answers.pop(qid)
        elif self.can_leave:
            self.left = True

    @property
    def can_go_back(self) -> bool:
        return bool(self.history) or self.can_leave

    def _checked(self, group: list[Question], answer: Any) -> None:
        """Record a checklist's answer, or go back keeping what it had ticked."""
        if answer is BACK or isinstance(answer, Back):
            ticked = answer.ticked if isinstance(answer, Back) else []
            self.back({q.id: q.id in ticked for q in group if q.id in ticked})
        else:
            self.record({q.id: q.id in answer for q in group})

    def record(self, values: dict[str, Any]) -> None:
        self.answers.update(values)
        self.history.append(list(values))
        _prune(self.situation, self.answers, self.history)

    def next_question(self) -> Question | None:
        question = _next(self.situation, self.answers)
        if question is not None and self.history and settled(
                self.grid, self.situation, self.answers, self.territory):
            return None  # nothing still to come can change the orientation
        return question

    def review(self) -> bool:
        """The review screen; True when the GP wants the result."""
        choice = self.asker.review(self.situation, self.answers)
        if choice is None:
            return True
        if choice is BACK:
            self.back()
            return False
        target = self.situation.question(str(choice))
        if target is not None:
            value = self.asker.question(target, self.answers.get(target.id), False,
                                        self.situation)
            if value is not BACK:
                self.answers[target.id] = value
                if all(target.id not in step for step in self.history):
                    self.history.append([target.id])
                _prune(self.situation, self.answers, self.history)
        return False

    def ask_context(self) -> bool:
        """The context checklist, when the asker offers one; True when it was shown."""
        group = context_group(self.situation, self.answers)
        if not group or not hasattr(self.asker, "context"):
            return False
        before = {q.id: self.previous[q.id] for q in group if q.id in self.previous}
        values = self.asker.context(group, self.can_go_back, self.situation, before)
        if values is BACK or isinstance(values, Back):
            self.back(dict(values.ticked) if isinstance(values, Back) else None)
        else:
            self.record(dict(values))
        return True

    def ask(self, question: Question) -> None:
        if question.screen == "context" and self.ask_context():
            return
        question = worded(self.situation, question, self.answers)
        group = (_checklist_group(self.grid, self.situation, self.answers, question)
                 if self.can_check else [])
        if len(group) > 1:
            self._checked(group, self.asker.checklist(  # type: ignore[attr-defined]
                group, self.can_go_back, self.situation, self._ticked(group)))
            return
        signs = signs_group(self.situation, self.answers) if question.screen == "signes" else []
        if len(signs) > 1 and hasattr(self.asker, "signs"):
            self._checked(signs, self.asker.signs(signs, self.can_go_back, self.situation,
                                                  self._ticked(signs)))
            return
        value = self.asker.question(question, self.previous.get(question.id),
                                    self.can_go_back, self.situation)
        if value is BACK:
            self.back()
        else:
            self.record({question.id: value})

    def _ticked(self, group: list[Question]) -> set[str]:
        return {q.id for q in group if self.previous.get(q.id) is True}

    def run(self) -> dict[str, Any]:
        context_shown = False
        while True:
            if red_flags(self.grid, self.answers):
                # a red flag ends the questionnaire (urgence); the context checklist is still
                # shown once, for the child-protection route
                if not context_shown and context_group(self.situation, self.answers):
                    context_shown = True
                    if self.ask_context():
                        continue
                return self.answers
            if self.answers.get("age") is not None and situation_urgence(self.situation,
                                                                          self.answers):
                return self.answers  # a situation's urgence rule holds: nothing more to ask
            question = self.next_question()
            if question is not None:
                self.ask(question)
                if self.left:
                    return {}  # back to the situation
            elif not self.history or self.review():
                return self.answers  # nothing asked here (all from flags), or the result


def interview(grid: Grid, situation: Situation, preset: Mapping[str, Any],
              asker: Asker, territory: Territory | None = None,
              can_leave: bool = False) -> dict[str, Any] | None:
    """Ask what is missing; return the answers (normalised values, None for « non évalué »),
    or None when the GP went back from the first question to the situation (`can_leave`).

    The yes/no red flags are asked together on one screen when the asker can (a checklist:
    nothing ticked means « non » to all), and so are the situation's signs (`screen: signes`).
    Going back offers the answer given before. Once the answers settle the result (with this
    territory's resources), what is left is not asked; `decide` lists it (see core.settle)."""
    found = _Interview(grid, situation, preset, asker, territory, can_leave)
    answers = found.run()
    return None if found.left else answers
