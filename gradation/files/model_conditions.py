"""The conditions of model.yaml — numbers, fallback kinds, resource warnings, bridges — which
also read the result (`niveau`, `delai`, `situation`…), and may name a situation or a question
an adapted grid lacks (a warning: the condition never holds)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradation.core import conditions as cond
from gradation.core.facts import result_questions
from gradation.core.schema import ModelFile, Question
from gradation.errors import Problem
from gradation.files.problems import position_of


class ModelConditions:
    def __init__(self, model: ModelFile, model_file: Any, all_questions: dict[str, Question],
                 situation_ids: list[str], problems: list[Problem]) -> None:
        self.model = model
        self.model_file = model_file
        self.all_questions = all_questions
        self.situation_ids = situation_ids
        self.problems = problems

    def problem(self, name: str, where: tuple[int, int], message: str) -> None:
        self.problems.append(Problem(name, *where, message))

    def result_condition(self, text: str | None, container: Any, what: str
                         ) -> cond.Condition | None:
        """A condition of a number or a warning: it also reads the result (`niveau`, `delai`,
        `situation`, `age_inconnu`, `recours`)."""
        if not text:
            return None
        scope = {**self.all_questions, **result_questions(self.situation_ids)}
        return self.lenient(text, scope, container, what)

    def lenient(self, text: str, scope: Mapping[str, Any], container: Any, what: str
                ) -> cond.Condition | None:
        """A condition of model.yaml: what these grids lack (a situation left out of an adapted
        grid, its questions) is a warning, and never holds."""
        absent: list[str] = []
        try:
            parsed = cond.parse(text, scope, absent)
        except cond.ConditionError as exc:
            self.problem(self.model_file.name, position_of(container, "when"),
                         f"{what} : {exc.message}")
            return None
        for name in dict.fromkeys(absent):
            self.problems.append(Problem(
                self.model_file.name, *position_of(container, "when"),
                f"{what} : {name} absente de ces grilles, ignorée", "avertissement"))
        return parsed

    def numbers(self) -> list[tuple[Any, cond.Condition | None]]:
        raw = self.model_file.raw.get("numbers") or []
        return [(number, self.result_condition(number.when, raw[i], f"numbers[{i}].when"))
                for i, number in enumerate(self.model.numbers)]

    def fallback(self) -> list[tuple[Any, cond.Condition | None]]:
        raw = (self.model_file.raw.get("matching") or {}).get("fallback") or []
        out = []
        for i, entry in enumerate(self.model.matching.fallback):
            if entry.kind not in self.model.urgence_kinds:
                self.problem(self.model_file.name, position_of(raw[i], "kind"),
                             f"matching.fallback[{i}].kind : type « {entry.kind} » absent de "
                             "urgence_kinds")
            out.append((entry, self.result_condition(
                entry.when, raw[i], f"matching.fallback[{i}].when")))
        return out

    def resource_warnings(self) -> list[tuple[Any, cond.Condition]]:
        raw = (self.model_file.raw.get("matching") or {}).get("resource_warnings") or []
        out = []
        for i, warning in enumerate(self.model.matching.resource_warnings):
            c = self.result_condition(warning.when, raw[i],
                                        f"matching.resource_warnings[{i}].when")
            if c is not None:
                out.append((warning, c))
        return out
