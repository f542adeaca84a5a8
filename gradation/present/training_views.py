"""The trainers' views of the grid — the model (lines × fields), the situations (× levels), one
situation (questions, rules, levels) — in the terminal, in Markdown and in HTML for projection.
The CLI picks the format; everything said is built here."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from gradation.core.decision import age_text
from gradation.core.text import capitalized
from gradation.present import projection
from gradation.present.documents import md
from gradation.present.fidelity import kind_levels_example, level_line_example
from gradation.present.teaching import (
    MARK,
    NOT_CALLED_NOTE,
    PLACED_NOTE,
    describe,
    kind_labels,
    mermaid,
    mermaid_by_level,
    model_table,
    rules_by_level,
    situations_table,
)
from gradation.present.terminal import fit_words, plain

SITUATIONS_TITLE = "Situations et niveaux de recours"


def levels_and_lines(grid: Any) -> list[str]:
    """Under the table: what « * » means, the model's note on levels of recourse and lines,
    the levels, and the grid's own example of a level calling another line."""
    levels = [f"{lv.label}. {lv.description}" for lv in grid.model.levels if lv.description]
    texts = [PLACED_NOTE, NOT_CALLED_NOTE, grid.model.levels_and_lines, *levels,
             level_line_example(grid), kind_levels_example(grid)]
    return [text for text in texts if text]


# --- The model ---------------------------------------------------------------------------------


def model_document(grid: Any, output_format: str) -> str:
    """The model as a Markdown table, or an HTML page for projection."""
    fields = grid.model.fields
    rows = model_table(grid)
    if output_format == "html":
        body = projection.table(["ligne", *(f.label for f in fields)], [
            (None, [f"**{label}**\n{organisation}",  # a line is not a level: no colour
                    *("\n".join(cells[f.id]) for f in fields)])
            for label, organisation, cells in rows])
        return projection.page(grid.model.name, projection.h1(grid.model.name) + body
                               + projection.paragraphs(levels_and_lines(grid)))
    lines = ["| ligne | " + " | ".join(f.label for f in fields) + " |",
             "|---|" + "---|" * len(fields)]
    for label, organisation, cells in rows:
        lines.append(f"| **{md(label)}**<br>{md(organisation)} | "
                     + " | ".join(md(", ".join(cells[f.id])) for f in fields) + " |")
    return ("\n".join(lines) + "\n\n" + "\n\n".join(map(md, levels_and_lines(grid))) + "\n")


def print_model(grid: Any, console: Console) -> None:
    """The model as a table, or one block per line of the organisation when too narrow."""
    fields = grid.model.fields
    rows = model_table(grid)
    table = Table(title=plain(grid.model.name), show_lines=True)
    table.add_column("ligne", style="bold")
    for f in fields:
        table.add_column(f.label)
    for label, organisation, cells in rows:
        table.add_row(Text(label).append("\n" + organisation, style="dim italic"),
                      *[Text("\n".join(cells[f.id])) for f in fields])
    columns = [[f"{label}\n{organisation}" for label, organisation, _ in rows]] + [
        [kind for _, _, cells in rows for kind in cells[f.id]] for f in fields]
    if fit_words(table, columns, console):
        console.print(table)
    else:
        for label, organisation, cells in rows:
            console.print(Text(label, style="bold"))
            console.print(Padding(Text(organisation, style="dim italic"), (0, 0, 0, 2)))
            for f in fields:
                console.print(Padding(Text(f"{f.label} : ", style="dim").append(
                    ", ".join(cells[f.id]) or "—"), (0, 0, 0, 2)))
            console.print()
    for paragraph in levels_and_lines(grid):
        console.print(plain(paragraph))
        console.print()


# --- The situations ----------------------------------------------------------------------------


def _situations_note(grid: Any) -> str:
    return ("* extension : un type que la table source ne met pas dans cette case ; la grille "
            "l'ajoute pour combler un manque clinique. Les rangées de la table source "
            "s'appellent « 1re, 2e, 3e ligne » ; la grille les lit comme des niveaux de recours "
            f"(gradation model). Source : {grid.model.seed_cell}.")


def _situation_heads(grid: Any) -> list[str]:
    return ["situation", *(grid.level_seed_label(lv) for lv in ("1", "2", "3"))]


def situations_document(grid: Any, output_format: str) -> str:
    """The situations × levels as a Markdown table, or an HTML page for projection."""
    rows, heads, note = situations_table(grid), _situation_heads(grid), _situations_note(grid)
    if output_format == "html":
        body = projection.table(heads, [
            (None, [f"**{label}**", *("\n".join(kind + (MARK if ext else "")
                                                  for kind, ext in cell) for cell in cells)])
            for label, cells in rows], columns=[None, "1", "2", "3"])
        return projection.page(SITUATIONS_TITLE, projection.h1(SITUATIONS_TITLE) + body
                               + projection.paragraphs([note]))
    lines = ["| " + " | ".join(map(md, heads)) + " |", "|---|---|---|---|"]
    for label, cells in rows:
        lines.append(f"| {md(label)} | " + " | ".join(
            ", ".join(md(kind) + (" *(extension)*" if ext else "") for kind, ext in cell)
            for cell in cells) + " |")
    return "\n".join([*lines, "", md(note)]) + "\n"


def _cell(cell: list[tuple[str, bool]]) -> Text:
    """A cell's kinds one per line, an extension marked « * »."""
    return Text("\n").join(Text(kind) + (Text(" *", style="italic yellow") if ext else Text())
                           for kind, ext in cell)


def print_situations(grid: Any, console: Console) -> None:
    """The situations × levels as a table, or one block per situation when too narrow."""
    rows, heads = situations_table(grid), _situation_heads(grid)
    table = Table(title=SITUATIONS_TITLE, show_lines=True)
    for column in heads:
        table.add_column(column)
    for label, cells in rows:
        table.add_row(Text(label, style="bold"), *[_cell(cell) for cell in cells])
    columns = [[label for label, _ in rows]] + [
        [kind + " *" for _, cells in rows for kind, _ in cells[i]] for i in range(3)]
    if fit_words(table, columns, console):
        console.print(table)
    else:
        for label, cells in rows:
            console.print(Text(label, style="bold"))
            for level, cell in enumerate(cells, 1):
                kinds = ", ".join(kind + (" *" if ext else "") for kind, ext in cell) or "—"
                console.print(Padding(Text(f"niveau {level} : ", style="dim").append(kinds),
                                      (0, 0, 0, 2)))
            console.print()
    console.print(Text(_situations_note(grid), style="italic"))


# --- One situation -----------------------------------------------------------------------------


def _question_line(sit: Any, i: int, q: Any) -> str:
    """A question with its id, what it takes, and when it is asked (every grid text inert)."""
    extra = []
    if q.type == "choice":  # the value ids a vignette or --answer takes, with their labels
        extra.append(" / ".join(f"`{v.id}` = {md(v.label)}" for v in q.values))
    elif q.type in ("integer", "score"):
        extra.append(f"{q.min} à {q.max}")
    elif q.type == "boolean":
        extra.append("`oui` / `non`")
    if q.optional:
        extra.append("facultatif")
    cond = sit.conditions.get(q.id)
    if cond is not None:
        extra.append(f"posée si {md(describe(cond, sit))}")
    return f"{i}. {md(q.text)} (`{q.id}` ; {' ; '.join(extra)})"


def situation_markdown(grid: Any, sit: Any) -> str:
    """A situation: its questions and their conditions, its rules and their sources, its
    levels."""
    rng = sit.spec.age
    lines = [f"# {md(sit.label)}", "", f"Âge : {age_text(rng.min, rng.max)}.", "",
             "## Questions", "", *(_question_line(sit, i, q)
                                   for i, q in enumerate(sit.questions, 1)),
             "", "## Règles", ""]
    current = None
    for row in rules_by_level(grid, sit):
        if row.level != current:
            lines += ["", f"### {capitalized(grid.level_name(row.level))} si l'une de ces "
                      "conditions :", ""]
            current = row.level
        lines.append(f"- {md(row.condition)} — {md(row.reason)} (`{row.rule}`) ; appelle : "
                     f"{md(row.calls)} ; délai : {md(row.delay)}")
    lines += ["", f"### Sinon : {grid.level_name('1')}", "",
              "## Niveaux de recours et ressources", ""]
    for level in [*(str(lv) for lv in sorted(sit.spec.levels)), "urgence"]:
        kinds = kind_labels(grid, sit, level, sit.kinds(level, grid))
        spec = sit.level_spec(level)
        tail = f" — {md(spec.note)}" if spec is not None and spec.note else ""
        lines.append(f"- **{md(grid.level_label(level))}** : {md(kinds)}{tail}")
    return "\n".join(lines) + "\n"


def situation_document(grid: Any, sit: Any, output_format: str) -> str:
    """One situation in Markdown, as an HTML page, or as a Mermaid diagram (by question, or
    compact by level for projection)."""
    if output_format == "mermaid":
        return mermaid(grid, sit)
    if output_format == "mermaid-niveaux":
        return mermaid_by_level(grid, sit)
    text = situation_markdown(grid, sit)
    if output_format == "html":
        levels = {name: lv for lv in ("1", "2", "3", "urgence")
                  for name in (grid.level_name(lv), capitalized(grid.level_name(lv)))}
        return projection.page(sit.label, projection.markdown_html(text, levels))
    return text


def print_situation(grid: Any, sit: Any, console: Console) -> None:
    from rich.markdown import Markdown

    console.print(Markdown(situation_markdown(grid, sit)))
