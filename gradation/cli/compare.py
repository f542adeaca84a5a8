"""`gradation compare`: the same answers under several situations, side by side."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from gradation.cli.common import (
    AnswerOption,
    AnswersFileOption,
    ForceOption,
    GridsOption,
    OutputOption,
    emit,
    grid_from,
    handled,
    stdout_console,
)
from gradation.cli.train import TableFormat
from gradation.errors import GradationError


@handled
def compare_command(
    situations: Annotated[list[str], typer.Argument(
        help="Deux situations ou plus (par exemple psychiatrie gaja).", show_default=False)],
    answer: AnswerOption = None,
    answers: AnswersFileOption = None,
    output_format: Annotated[TableFormat, typer.Option("--format", "-f",
                             help="Format de sortie.")] = TableFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Les mêmes réponses sous plusieurs situations, côte à côte : niveau, délai, raisons (une
    réponse qu'une situation ne pose pas est ignorée pour elle, et dite)."""
    from gradation.consult.session import given_answers
    from gradation.present.comparison import compare_document
    from gradation.present.lists import print_compare
    from gradation.present.teaching import compare

    grid = grid_from(grids)
    if len(situations) < 2:
        raise GradationError("donnez au moins deux situations à comparer.")
    chosen = [grid.situation(sid) for sid in situations]
    raw = given_answers(answers, answer or [])
    _check(grid, chosen, raw)  # a wrong answer is refused (exit 2), as by `orient`
    sides = compare(grid, chosen, raw)
    if output_format != TableFormat.text or output is not None:
        return emit(compare_document(grid, sides, _label, output_format != TableFormat.html),
                    output, force)
    print_compare(stdout_console(), grid, sides, _label)


def _label(grid: Any, qid: str) -> str:
    """A question as the GP read it (« Décrochage scolaire, professionnel ou social »)."""
    question = grid.all_questions.get(qid)
    return question.text.rstrip(" ?") if question is not None else qid


def _check(grid: Any, chosen: list[Any], raw: dict[str, Any]) -> None:
    """Every answer known to one of the situations, with a value it accepts."""
    from gradation.core.answers import AnswerError, normalise
    from gradation.core.suggest import suggest

    for key, value in raw.items():
        question = next((s.question(str(key)) for s in chosen if s.question(str(key))),
                        None) or grid.all_questions.get(str(key))
        if question is None:  # another situation's question is only not read here
            raise AnswerError(f"question « {key} » inconnue de la grille"
                              f"{suggest(str(key), grid.all_questions)}")
        normalise(question, value)
