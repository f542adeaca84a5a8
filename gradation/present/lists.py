"""The CLI's lines and small tables on a terminal: plain lines and errors (never read as
markup, control characters made visible), resources, kinds, sources, situations compared,
reference cases."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from gradation.core.text import visible_lines

# Plain lines and errors are printed by most commands, and on every error: they load rich's
# console alone. The tables, the documents' escaping and the terminal's helpers are loaded by
# the functions that draw a table.


def print_lines(console: Console, lines: list[str]) -> None:
    """Plain lines, never read as markup, control characters made visible."""
    console.soft_wrap = True
    for line in lines:
        console.print(Text(visible_lines(line)))


def print_error(message: str) -> None:
    """One message on standard error, never read as markup (nor lost if it cannot be shown)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # stderr closed: nothing to do
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            Text(visible_lines(message), style="red"))


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], code_first: bool = False
                   ) -> list[str]:
    """A Markdown table, every cell inert (the first as `code` with `code_first`)."""
    from gradation.present.documents import md

    def first(value: str) -> str:
        return f"`{value}`" if code_first else md(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join([first(row[0]), *(md(v) for v in row[1:])]) + " |"
                    for row in rows]


def print_table(console: Console, title: str, header: Sequence[str],
                rows: Sequence[Sequence[str]]) -> None:
    from rich.table import Table

    from gradation.present.terminal import plain

    table = Table(title=plain(title), title_justify="left")
    for name in header:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(plain(v) for v in row))
    console.print(table)


def resource_rows(resources: list[Any]) -> list[tuple[str, ...]]:
    """id, name, kind, sector, ages, wait: one row per resource."""
    rows: list[tuple[str, ...]] = []
    for r in resources:
        ages = "" if r.age is None else (f"{r.age.min if r.age.min is not None else 0}–"
                                         + (f"{r.age.max}" if r.age.max is not None else ""))
        wait = "" if r.wait_weeks is None else f"{r.wait_weeks} sem."
        rows.append((r.id, r.name, r.kind, ", ".join(r.serves or []), ages, wait))
    return rows


def print_resources(console: Console, territory: str, resources: list[Any]) -> None:
    from rich.table import Table

    from gradation.present.terminal import plain

    count = f"{len(resources)} ressource{'s' if len(resources) > 1 else ''}"
    table = Table(title=plain(f"{territory} — {count}"))
    for column in ("id", "nom", "type", "secteur", "âges", "délai"):
        table.add_column(column)
    for row in resource_rows(resources):
        table.add_row(*(plain(v) for v in row))
    console.print(table)


def print_sources(console: Console, references: list[Any], cited: dict[str, list[str]],
                  unknown: dict[str, list[str]]) -> None:
    from rich.padding import Padding

    from gradation.present.terminal import plain

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


def print_compare(console: Console, grid: Any, sides: list[Any],
                  label: Callable[[Any, str], str]) -> None:
    """The same answers under several situations, side by side."""
    from rich.table import Table

    from gradation.present.comparison import compare_rows
    from gradation.present.terminal import plain

    table = Table(title="Mêmes réponses, situations comparées", show_lines=True)
    table.add_column("")
    for side in sides:
        table.add_column(plain(side.situation.label), overflow="fold")
    for name, cells in compare_rows(grid, sides, label):
        table.add_row(Text(name, style="dim"), *[
            Text(c, style="bold") if name == "niveau" and c != "—" else
            plain(c, "yellow") if name == "raisons" and not c.startswith("•") and c else
            plain(c) for c in cells])
    console.print(table)


def print_case(console: Console, name: str, detail: str | None) -> None:
    """✓ name, or ✗ name — what differs."""
    console.soft_wrap = True
    if detail is None:
        console.print(Text("✓ ", style="green").append(name))
    else:
        console.print(Text("✗ ", style="red").append(f"{name} — {detail}"))


def print_heading(console: Console, text: str) -> None:
    console.print(Text(text, style="bold"))
