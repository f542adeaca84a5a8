"""A territory's coverage, as a coordinator reads it: resources placed by situation and level,
then the gaps of each commune (`gradation territory coverage`), in the terminal or Markdown."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gradation.present.documents import md
from gradation.present.terminal import plain


def coverage_markdown(table: Any) -> str:
    """`table`: territory.coverage.CoverageTable."""
    lines = [f"# Couverture du territoire « {md(table.territory)} »", "",
             "| " + " | ".join(table.header) + " |", "|" + "---|" * len(table.header)]
    lines += ["| " + " | ".join(r) + " |" for r in table.rows]
    lines += ["", "## Lacunes par commune", ""]
    for communes, gaps in table.gaps:
        names = ", ".join(f"**{md(name)}** ({insee})" for insee, name in communes)
        lines.append(f"- {names} : {'' if gaps else 'aucune'}")
        lines += [f"  - {gap}" for gap in gaps]
    return "\n".join(lines) + "\n"


def print_coverage(table: Any, console: Console) -> None:
    shown = Table(title=plain(f"Ressources placées — {table.territory}"))
    for column in table.header:
        shown.add_column(column, justify="left" if column == "situation" else "right")
    for r in table.rows:
        shown.add_row(*[Text(c, style="bold red") if c == "0" else c for c in r])
    console.print(shown)
    console.print(Text("Lacunes par commune (situation et niveau sans aucune ressource, et "
                       "les types qui y répondraient) :", style="bold"))
    for communes, gaps in table.gaps:
        names = ", ".join(f"{name} ({insee})" for insee, name in communes)
        console.print(Text(f"  {names} : {'' if gaps else 'aucune'}".rstrip()))
        for gap in gaps:
            console.print(Text(f"    {gap}"))
