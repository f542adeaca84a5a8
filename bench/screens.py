"""Screens per orientation: how many screens the questionnaire shows after the situation is
chosen (each question, the red-flag checklist, the review), over the answer sets of the
reference cases, before and after issue 16.

    python bench/screens.py                       # the project's cases and ../shared/cases
    python bench/screens.py path/to/cases.yaml …  # other case files

« avant » is the questionnaire as it was: every question of the path on its own screen (the
red flags one by one) until the first red flag, then the review. « après » is the questionnaire
as shipped: the red flags on one checklist, the context questions on another (still shown
after a red flag), the situation's yes/no signs on a third, nothing asked once no answer still
to come can change the result (core.settle). The median and the worst case are printed for all
the orientations and for each situation.
Both are walked by a scripted GP who answers what the case says (« non évalué » otherwise).
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradation.consult.interview import interview  # noqa: E402
from gradation.core.answers import AnswerError, normalise  # noqa: E402
from gradation.core.decision import red_flags  # noqa: E402
from gradation.core.space import is_asked  # noqa: E402
from gradation.core.model import Grid, Situation  # noqa: E402
from gradation.files.grids import load_grid  # noqa: E402


class ScriptedGP:
    """Answers each screen from the case; counts the screens."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = answers
        self.screens = 0

    def question(self, question: Any, current: Any, can_go_back: bool,
                 situation: Situation) -> Any:
        self.screens += 1
        return self.answers.get(question.id)

    def checklist(self, questions: list[Any], can_go_back: bool,
                  situation: Situation, ticked: Any = None) -> set[str]:
        self.screens += 1
        return {q.id for q in questions if self.answers.get(q.id) is True}

    signs = checklist  # the situation's yes/no signs: one checklist screen too

    def context(self, questions: list[Any], can_go_back: bool,
                situation: Situation, before: Any = None) -> dict[str, Any]:
        """The context checklist: one screen (an unticked box answers non / aucun)."""
        self.screens += 1
        return {q.id: self.answers.get(q.id, False if q.type == "boolean" else q.values[0].id)
                for q in questions}

    def review(self, situation: Situation, answers: Mapping[str, Any]) -> None:
        self.screens += 1
        return None


def before(grid: Grid, situation: Situation, answers: Mapping[str, Any]) -> int:
    """One screen per question of the path until the first red flag, then the review."""
    given: dict[str, Any] = {}
    screens = 0
    for question in situation.questions:
        if not is_asked(situation, question, given):
            continue
        given[question.id] = answers.get(question.id)
        screens += 1
        if red_flags(grid, given):
            return screens
    return screens + 1


def cases(paths: list[Path]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data.get("cases", []):
            found.append((f"{path.parent.parent.name}/{path.parent.name}/{path.name}",
                          case["situation"],
                          dict(case.get("answers") or {})))
    return found


def main(argv: list[str]) -> None:
    grid = load_grid()
    paths = [Path(a) for a in argv] or [p for p in (
        ROOT / "tests" / "cases" / "cases.yaml", ROOT / "tests" / "cases" / "precision.yaml",
        ROOT / "tests" / "cases" / "revision3.yaml",
        ROOT.parent / "shared" / "cases" / "cases.yaml") if p.exists()]
    rows, refused = [], 0
    for source, sid, raw in cases(paths):
        situation = grid.situations[sid]
        try:
            answers = {q.id: normalise(q, raw[q.id]) for q in situation.questions if q.id in raw}
        except AnswerError:
            refused += 1  # a case of a refused answer: no orientation to count
            continue
        gp = ScriptedGP(answers)
        interview(grid, situation, {}, gp)
        rows.append((source, sid, before(grid, situation, answers), gp.screens))
    print(f"{len(rows)} orientations ({', '.join(sorted({r[0] for r in rows}))}), "
          f"{refused} cas de réponse refusée non comptés")
    for label, index in (("avant", 2), ("après", 3)):
        values = [r[index] for r in rows]
        print(f"  {label:6} écrans par orientation : médiane {statistics.median(values):g}, "
              f"min {min(values)}, max {max(values)}, total {sum(values)}")
    by_situation: dict[str, list[tuple[int, int]]] = {}
    for _, sid, b, a in rows:
        by_situation.setdefault(sid, []).append((b, a))
    print(f"  {'situation':28} {'avant':>13}   {'après':>13}")
    print(f"  {'':28} {'médiane  pire':>13}   {'médiane  pire':>13}")
    for sid, pairs in sorted(by_situation.items()):
        before_, after_ = [p[0] for p in pairs], [p[1] for p in pairs]
        print(f"  {sid:28} {statistics.median(before_):>7g} {max(before_):>5}"
              f"   {statistics.median(after_):>7g} {max(after_):>5}   ({len(pairs)} cas)")


if __name__ == "__main__":
    main(sys.argv[1:])
