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
    from rich.padding import Padding
    from rich.text import Text

    from gradation.present.terminal import plain

    console = stdout_console()
    for ref in references:
        console.print(Text(ref.tag, style="bold"))
        for line in (ref.reference, f"Couvre : {ref.covers}" if ref.covers else None,
                     f"Cité par : {', '.join(cited[ref.tag]) or 'aucune règle'}."):
            if line:
                console.print(Padding(plain(line), (0, 0, 0, 2)))
        console.print()
    if unknown:
        console.print(Text("Citations sans référence (à ajouter à sources.yaml) :", style="bold"))
        for item, who in unknown.items():
            console.print(Padding(plain(f"« {item} » ({', '.join(who)})"), (0, 0, 0, 2)))
