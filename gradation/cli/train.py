"""Trainer commands: model, situations, show, train."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

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
    if output_format == TableFormat.text:
        console = page_console(output)
        print_model(grid, console)
        emit_console(console, output, force)
    else:
        emit(model_document(grid, output_format.value), output, force)


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
    if output_format == TableFormat.text:
        console = page_console(output)
        print_situations(grid, console)
        emit_console(console, output, force)
    else:
        emit(situations_document(grid, output_format.value), output, force)


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
    if output_format == ShowFormat.text:
        console = page_console(output)
        print_situation(grid, sit, console)
        emit_console(console, output, force)
    else:
        emit(situation_document(grid, sit, output_format.value), output, force)
