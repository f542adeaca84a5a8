"""`gradation sources`: the full references of the sources the grids cite."""

from __future__ import annotations

from typing import Annotated

import typer

from gradation.cli.common import (
    ForceOption,
    GridsOption,
    OutputOption,
    emit,
    grid_from,
    handled,
    stdout_console,
)
from gradation.cli.train import TableFormat


@handled
def sources_command(
    output_format: Annotated[TableFormat, typer.Option("--format", "-f",
                             help="Format de sortie.")] = TableFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Les sources citées par les règles, en entier, et les règles qui les citent."""
    from gradation.files.grids import load_sources
    from gradation.present.teaching import citations

    grid = grid_from(grids)
    references = load_sources(grid)
    cited, unknown = citations(grid, references)
    if output_format != TableFormat.text or output is not None:
        from gradation.present.comparison import sources_document

        return emit(sources_document(references, cited, unknown,
                                     output_format != TableFormat.html), output, force)
    from gradation.present.lists import print_sources

    print_sources(stdout_console(), references, cited, unknown)
