"""Skipping a GP can trust: a question is left out only when no answer to it changes the result.

For every reference case (the project's, and ../shared/cases when present) and every required
question it answers on its path, dropping that answer is either refused (exit 2, the question
named) or gives exactly the result that each of its values gives — level, delay, reasons,
every list of resources, numbers, warnings. An optional answer left out is « non évalué », an
answer of its own; and at urgence a red flag wins whatever is missing (the safety rule), so
urgence results are not part of this property.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, SHARED, TODAY

from gradation.core.answers import AnswerError
from gradation.core.decision import decide
from gradation.core.settle import projection, result_for
from gradation.core.space import candidate_values, path
from gradation.files.territories import load_territory

FILES = [ROOT / "tests" / "cases" / name for name in ("cases.yaml", "precision.yaml",
                                                       "revision3.yaml")]
if (SHARED / "cases" / "cases.yaml").is_file():
    FILES.append(SHARED / "cases" / "cases.yaml")


def _cases(path_: Path) -> list[tuple[str, dict[str, Any]]]:
    data = yaml.safe_load(path_.read_text(encoding="utf-8"))
    return [(f"{path_.parent.parent.name}/{path_.name}#{i}", {**case, "_file": path_,
                                                       "_today": data.get("today"),
                                                       "_territory": data.get("territory")})
            for i, case in enumerate(data["cases"])]


CASES = [case for file in FILES for case in _cases(file)]


@pytest.mark.parametrize(("name", "case"), CASES, ids=[name for name, _ in CASES])
def test_dropping_an_answer_is_refused_or_changes_nothing(grid, name, case):
    situation = grid.situations.get(case["situation"])
    if situation is None or (case.get("expect") or {}).get("exit"):
        return  # a case of a refused situation or answers: nothing to drop
    territory = load_territory(case["_file"].parent / case["_territory"], grid, TODAY)
    today = case["_today"] or TODAY
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    answers = dict(case.get("answers") or {})
    try:
        full = result_for(grid, situation, answers, territory, today)
    except AnswerError:
        return
    if full.level == "urgence":
        return  # a red flag wins, whatever else is missing
    on_path = {q.id: q for q in path(situation, full.answers)}
    for qid in [q for q in answers if q in on_path]:
        question = on_path[qid]
        if situation.is_optional(question, full.answers):
            continue  # left out, an optional answer is « non évalué », itself an answer
        dropped = {k: v for k, v in answers.items() if k != qid}
        try:
            without = result_for(grid, situation, dropped, territory, today)
        except AnswerError as exc:
            assert exc.exit_code == 2 and f"- {qid} :" in exc.message, (name, qid, exc.message)
            continue
        seen = projection(without)
        for value in candidate_values(situation, question):
            given = decide(grid, situation, {**dropped, qid: value}, territory, today)
            assert projection(given) == seen, (
                f"{name}: « {qid} » left out is accepted, but {qid}={value} changes the result")
