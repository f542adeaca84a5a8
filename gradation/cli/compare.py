"""`gradation compare`: the same answers under several situations, side by side."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from gradation.cli.common import (
    AnswerOption,
    AnswersFileOption,
    GridsOption,
    grid_from,
    handled,
    stdout_console,
)
from gradation.errors import GradationError


@handled
def compare_command(
    situations: Annotated[list[str], typer.Argument(
        help="Deux situations ou plus (par exemple psychiatrie gaja).", show_default=False)],
    answer: AnswerOption = None,
    answers: AnswersFileOption = None,
    grids: GridsOption = None,
) -> None:
    """Les mêmes réponses sous plusieurs situations, côte à côte : niveau, délai, raisons."""
    from rich.table import Table
    from rich.text import Text

    from gradation.consult.session import given_answers
    from gradation.present.teaching import compare
    from gradation.present.terminal import plain

    grid = grid_from(grids)
    if len(situations) < 2:
        raise GradationError("donnez au moins deux situations à comparer.")
    chosen = [grid.situation(sid) for sid in situations]
    raw = given_answers(answers, answer or [])
    _check(grid, chosen, raw)  # a wrong answer is refused (exit 2), as by `orient`
    sides = compare(grid, chosen, raw)
    table = Table(title="Mêmes réponses, situations comparées", show_lines=True)
    table.add_column("")
    for side in sides:
        table.add_column(plain(side.situation.label), overflow="fold")
    rows: list[tuple[str, list[Text]]] = [
        ("niveau", [Text(grid.level_label(s.level), style="bold") if s.level
                    else Text("—") for s in sides]),
        ("délai", [plain(grid.delay_label(s.delay)) if s.delay else Text("—") for s in sides]),
        ("raisons", [plain("\n".join(f"• {r}" for r in s.reasons)) if s.reasons is not None
                     else plain(s.problem or "", "yellow") for s in sides]),
        ("appelle", [plain(", ".join(s.kinds)) if s.kinds else Text("—") for s in sides]),
        ("réponses non lues", [plain(", ".join(_label(grid, q) for q in s.unused or []) or "—")
                               for s in sides]),
    ]
    for label, cells in rows:
        table.add_row(Text(label, style="dim"), *cells)
    stdout_console().print(table)


def _label(grid: Any, qid: str) -> str:
    """A question as the GP read it (« Décrochage scolaire, professionnel ou social »)."""
    question = grid.all_questions.get(qid)
    return question.text.rstrip(" ?") if question is not None else qid


def _check(grid: Any, chosen: list[Any], raw: dict[str, Any]) -> None:
    """Every answer known to one of the situations, with a value it accepts."""
    from gradation.core.answers import AnswerError, normalise
    from gradation.core.suggest import suggest

    for key, value in raw.items():
        question = next((s.question(str(key)) for s in chosen if s.question(str(key))), None)
        if question is None:
            raise AnswerError(f"question « {key} » inconnue des situations comparées"
                              f"{suggest(str(key), grid.all_questions)}")
        normalise(question, value)
