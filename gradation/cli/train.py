"""Trainer commands: model, situations, show, train."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

import typer

from gradation.cli.common import (
    ForceOption,
    GridsOption,
    OutputOption,
    emit,
    emit_console,
    grid_from,
    handled,
    page_console,
)


class TableFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"


class ShowFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    mermaid = "mermaid"
    mermaid_niveaux = "mermaid-niveaux"


@handled
def model_command(
    output_format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Le modèle de gradation : lignes × champs (sanitaire, médico-social, social)."""
    from gradation.present.training_views import model_document, print_model

    grid = grid_from(grids)
    _page(output_format.value, output, force, lambda console: print_model(grid, console),
          lambda: model_document(grid, output_format.value))


@handled
def situations_command(
    output_format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Les situations cliniques × niveaux de recours (types de ressources par case)."""
    from gradation.present.training_views import print_situations, situations_document

    grid = grid_from(grids)
    _page(output_format.value, output, force, lambda console: print_situations(grid, console),
          lambda: situations_document(grid, output_format.value))


@handled
def show_command(
    situation: Annotated[
        str, typer.Argument(help="Identifiant de la situation.", show_default=False)
    ],
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Une situation : ses questions et leurs conditions, ses règles et leurs sources, ses
    niveaux."""
    from gradation.present.training_views import print_situation, situation_document

    grid = grid_from(grids)
    sit = grid.situation(situation)
    _page(output_format.value, output, force, lambda console: print_situation(grid, sit, console),
          lambda: situation_document(grid, sit, output_format.value))


def _page(output_format: str, output: Any, force: bool, show: Callable[[Any], None],
          document: Callable[[], str]) -> None:
    """The screen's text (to the terminal, or to --output), or the document asked."""
    if output_format == "text":
        console = page_console(output)
        show(console)
        emit_console(console, output, force)
    else:
        emit(document(), output, force)
