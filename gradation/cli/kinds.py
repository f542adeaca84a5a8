"""`gradation kinds`: every kind of resource of the grids, with the id that `resources add
--kind` and a territory file's `kind:` take."""

from __future__ import annotations

from typing import Annotated

import typer

from gradation.cli.common import GridsOption, grid_from, handled, print_lines, stdout_console
from gradation.cli.train import TableFormat


@handled
def kinds_command(
    output_format: Annotated[TableFormat, typer.Option("--format", "-f",
                             help="Format de sortie.")] = TableFormat.text,
    grids: GridsOption = None,
) -> None:
    """Les types de ressources : identifiant (pour --kind et « kind: »), libellé, champ, ligne,
    catégories FINESS."""
    grid = grid_from(grids)
    fields = {f.id: f.label for f in grid.model.fields}
    rows = []
    for kind in grid.model.kinds:
        line = grid.line_of(kind.id)
        rows.append((kind.id, kind.label, fields.get(kind.field, kind.field),
                     grid.line_name(line) if line is not None else "—",
                     ", ".join(map(str, kind.finess)) or "—"))
    header = ("identifiant", "libellé", "champ", "ligne", "FINESS")
    from gradation.present.lists import markdown_table, print_table

    if output_format == TableFormat.markdown:
        print_lines(markdown_table(header, rows, code_first=True))
    else:
        print_table(stdout_console(), f"Types de ressources ({len(rows)})", header, rows)
