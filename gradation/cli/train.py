"""Trainer commands: model, situations, show, train."""

from __future__ import annotations

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


def _md_cell(text: str) -> str:
    """Grid text in Markdown, inert: « | » ends a cell, « * » would start emphasis or a list,
    « < » and « & » markup or an entity, « [ » a link."""
    from gradation.present.documents import md

    return md(text)


@handled
def model_command(
    output_format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Le modèle de gradation : lignes × champs (sanitaire, médico-social, social)."""
    from gradation.present.teaching import model_table

    grid = grid_from(grids)
    fields = grid.model.fields
    rows = model_table(grid)
    if output_format == TableFormat.html:
        from gradation.present import projection

        body = projection.table(["ligne", *(f.label for f in fields)], [
            (None, [f"**{label}**\n{organisation}",  # a line is not a level: no colour
                                   *("\n".join(cells[f.id]) for f in fields)])
            for label, organisation, cells in rows])
        emit(projection.page(grid.model.name, projection.h1(grid.model.name) + body
                             + projection.paragraphs(_levels_and_lines(grid))), output, force)
        return
    if output_format == TableFormat.markdown:
        lines = [
            "| ligne | " + " | ".join(f.label for f in fields) + " |",
            "|---|" + "---|" * len(fields),
        ]
        for label, organisation, cells in rows:
            lines.append(
                f"| **{_md_cell(label)}**<br>{_md_cell(organisation)} | "
                + " | ".join(_md_cell(", ".join(cells[f.id])) for f in fields)
                + " |"
            )
        emit("\n".join(lines) + "\n\n" + "\n\n".join(map(_md_cell, _levels_and_lines(grid)))
             + "\n", output, force)
        return
    from rich.table import Table
    from rich.text import Text

    from gradation.present.terminal import plain

    table = Table(title=plain(grid.model.name), show_lines=True)
    table.add_column("ligne", style="bold")
    for f in fields:
        table.add_column(f.label)
    for label, organisation, cells in rows:
        table.add_row(
            Text(label).append("\n" + organisation, style="dim italic"),
            *[Text("\n".join(cells[f.id])) for f in fields],
        )
    from rich.padding import Padding

    from gradation.present.terminal import fit_words

    console = page_console(output)
    columns = [[f"{label}\n{organisation}" for label, organisation, _ in rows]] + [
        [kind for _, _, cells in rows for kind in cells[f.id]] for f in fields]
    if fit_words(table, columns, console):
        console.print(table)
    else:  # too narrow: one block per line of the organisation
        for label, organisation, cells in rows:
            console.print(Text(label, style="bold"))
            console.print(Padding(Text(organisation, style="dim italic"), (0, 0, 0, 2)))
            for f in fields:
                console.print(Padding(Text(f"{f.label} : ", style="dim").append(
                    ", ".join(cells[f.id]) or "—"), (0, 0, 0, 2)))
            console.print()
    for paragraph in _levels_and_lines(grid):
        console.print(plain(paragraph))
        console.print()
    emit_console(console, output, force)


def _levels_and_lines(grid: Any) -> list[str]:
    """Under the table: what « * » means, the model's note on levels of recourse and lines,
    the levels, and the grid's own example of a level calling another line."""
    from gradation.present.fidelity import kind_levels_example, level_line_example
    from gradation.present.teaching import NOT_CALLED_NOTE, PLACED_NOTE

    levels = [f"{lv.label}. {lv.description}" for lv in grid.model.levels if lv.description]
    texts = [PLACED_NOTE, NOT_CALLED_NOTE, grid.model.levels_and_lines, *levels,
             level_line_example(grid), kind_levels_example(grid)]
    return [text for text in texts if text]


@handled
def situations_command(
    output_format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Les situations cliniques × niveaux de recours (types de ressources par case)."""
    from gradation.present.teaching import MARK, situations_table

    grid = grid_from(grids)
    rows = situations_table(grid)
    note = (
        "* extension : un type que la table source ne met pas dans cette case ; la grille "
        "l'ajoute pour combler un manque clinique. Les rangées de la table source s'appellent "
        "« 1re, 2e, 3e ligne » ; la grille les lit comme des niveaux de recours (gradation "
        f"model). Source : {grid.model.seed_cell}."
    )
    heads = ["situation", *(grid.level_seed_label(lv) for lv in ("1", "2", "3"))]
    if output_format == TableFormat.html:
        from gradation.present import projection

        body = projection.table(heads, [
            (None, [f"**{label}**", *("\n".join(kind + (MARK if ext else "")
                                                  for kind, ext in cell) for cell in cells)])
            for label, cells in rows], columns=[None, "1", "2", "3"])
        title = "Situations et niveaux de recours"
        emit(projection.page(title, projection.h1(title) + body
                             + projection.paragraphs([note])), output, force)
        return
    if output_format == TableFormat.markdown:
        lines = ["| " + " | ".join(map(_md_cell, heads)) + " |", "|---|---|---|---|"]
        for label, cells in rows:
            lines.append(
                f"| {_md_cell(label)} | "
                + " | ".join(
                    ", ".join(
                        _md_cell(kind) + (" *(extension)*" if ext else "") for kind, ext in cell
                    )
                    for cell in cells
                )
                + " |"
            )
        lines += ["", _md_cell(note)]
        emit("\n".join(lines) + "\n", output, force)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Situations et niveaux de recours", show_lines=True)
    for column in heads:
        table.add_column(column)
    for label, cells in rows:
        table.add_row(
            Text(label, style="bold"),
            *[
                Text("\n").join(
                    Text(kind) + (Text(" *", style="italic yellow") if ext else Text())
                    for kind, ext in cell
                )
                for cell in cells
            ],
        )
    from rich.padding import Padding

    from gradation.present.terminal import fit_words

    console = page_console(output)
    columns = [[label for label, _ in rows]] + [
        [kind + " *" for _, cells in rows for kind, _ in cells[i]] for i in range(3)]
    if fit_words(table, columns, console):
        console.print(table)
    else:  # too narrow for four columns: one block per situation, nothing cut
        for label, cells in rows:
            console.print(Text(label, style="bold"))
            for level, cell in enumerate(cells, 1):
                kinds = ", ".join(kind + (" *" if ext else "") for kind, ext in cell) or "—"
                console.print(Padding(Text(f"niveau {level} : ", style="dim").append(kinds),
                                      (0, 0, 0, 2)))
            console.print()
    console.print(Text(note, style="italic"))
    emit_console(console, output, force)


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
    from gradation.core.decision import age_text
    from gradation.core.text import capitalized
    from gradation.present.teaching import (
        describe,
        kind_labels,
        mermaid,
        rules_by_level,
    )

    grid = grid_from(grids)
    sit = grid.situation(situation)
    if output_format == ShowFormat.mermaid:
        emit(mermaid(grid, sit), output, force)
        return
    if output_format == ShowFormat.mermaid_niveaux:  # compact, landscape: for projection
        from gradation.present.teaching import mermaid_by_level

        emit(mermaid_by_level(grid, sit), output, force)
        return
    rng = sit.spec.age
    m = _md_cell  # every grid text inert in the Markdown (and so in the terminal and HTML)
    lines = [f"# {m(sit.label)}", "", f"Âge : {age_text(rng.min, rng.max)}.", "", "## Questions",
             ""]
    for i, q in enumerate(sit.questions, 1):
        cond = sit.conditions.get(q.id)
        extra = []
        if q.type == "choice":  # the value ids a vignette or --answer takes, with their labels
            extra.append(" / ".join(f"`{v.id}` = {m(v.label)}" for v in q.values))
        elif q.type in ("integer", "score"):
            extra.append(f"{q.min} à {q.max}")
        elif q.type == "boolean":
            extra.append("`oui` / `non`")
        if q.optional:
            extra.append("facultatif")
        if cond is not None:
            extra.append(f"posée si {m(describe(cond, sit))}")
        lines.append(f"{i}. {m(q.text)} (`{q.id}` ; {' ; '.join(extra)})")
    lines += ["", "## Règles", ""]
    current = None
    for row in rules_by_level(grid, sit):
        if row.level != current:
            lines += ["", f"### {capitalized(grid.level_name(row.level))} si l'une de ces "
                      "conditions :", ""]
            current = row.level
        lines.append(
            f"- {m(row.condition)} — {m(row.reason)} (`{row.rule}`) ; appelle : {m(row.calls)} ; "
            f"délai : {m(row.delay)}"
        )
    lines += ["", f"### Sinon : {grid.level_name('1')}", "", "## Niveaux de recours et ressources",
              ""]
    for level in [*(str(lv) for lv in sorted(sit.spec.levels)), "urgence"]:
        kinds = kind_labels(grid, sit, level, sit.kinds(level, grid))
        spec = sit.level_spec(level)
        tail = f" — {m(spec.note)}" if spec is not None and spec.note else ""
        lines.append(f"- **{m(grid.level_label(level))}** : {m(kinds)}{tail}")
    text = "\n".join(lines) + "\n"
    if output_format == ShowFormat.markdown:
        emit(text, output, force)
        return
    if output_format == ShowFormat.html:
        from gradation.present import projection

        levels = {name: lv for lv in ("1", "2", "3", "urgence")
                  for name in (grid.level_name(lv), capitalized(grid.level_name(lv)))}
        emit(projection.page(sit.label, projection.markdown_html(text, levels)), output, force)
        return
    from rich.markdown import Markdown

    console = page_console(output)
    console.print(Markdown(text))
    emit_console(console, output, force)
