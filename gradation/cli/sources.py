"""`gradation sources`: the full references of the sources the grids cite."""

from __future__ import annotations

from typing import Annotated

import typer

from gradation.cli.common import GridsOption, grid_from, handled, print_lines, stdout_console
from gradation.cli.train import TableFormat


@handled
def sources_command(
    output_format: Annotated[TableFormat, typer.Option("--format", "-f",
                             help="Format de sortie.")] = TableFormat.text,
    grids: GridsOption = None,
) -> None:
    """Les sources citées par les règles, en entier, et les règles qui les citent."""
    from gradation.files.grids import load_sources
    from gradation.present.teaching import citations

    grid = grid_from(grids)
    references = load_sources(grid)
    cited, unknown = citations(grid, references)
    if output_format == TableFormat.markdown:
        from gradation.present.documents import md  # the grids' words, inert in Markdown

        lines = ["# Sources des grilles", ""]
        for ref in references:
            lines += [f"## {md(ref.tag)}", "", md(ref.reference), ""]
            lines += [f"*{md(ref.covers)}*", ""] if ref.covers else []
            lines += [f"Cité par : {md(', '.join(cited[ref.tag]) or 'aucune règle')}.", ""]
        if unknown:
            lines += ["## Citations sans référence", ""]
            lines += [f"- « {md(item)} » ({md(', '.join(who))})"
                      for item, who in unknown.items()]
        print_lines(lines)
        return
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
