"""A training session's handout (`train --export html|markdown`), printable on A4.

The title, the date and the draw's seed; the seed's two tables, each on one landscape page with
its source; the vignettes with boxes to tick; then the answer key: each story again, the level
and the delay, the reasons with their source and cell, the kinds of resources found (with their
line of the organisation when it is not the level's number) and the point to remember. The
vignettes come in the order of the deck drawn with the same seed. A part can be printed alone:
the vignettes for the room, the answer key for the trainer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gradation.core.model import Grid
from gradation.present.deck import SITUATIONS_NOTE, model_table_html, situations_table_html
from gradation.present.documents import Block, blocks_html, blocks_markdown, md
from gradation.present.fidelity import kinds_with_lines
from gradation.present.teaching import (
    MARK,
    NOT_CALLED_NOTE,
    PLACED_NOTE,
    model_table,
    situations_table,
)
from gradation.present.typography import fr

TITLE = "Entraînement à la gradation des soins en santé mentale"
LEVELS = ("1", "2", "3", "urgence")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def french_date(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def model_markdown(grid: Grid) -> str:
    fields = grid.model.fields
    lines = ["| ligne | " + " | ".join(md(f.label) for f in fields) + " |",
             "|---|" + "---|" * len(fields)]
    for label, organisation, cells in model_table(grid):
        lines.append(f"| **{md(label)}**<br>{md(organisation)} | "
                     + " | ".join(md(", ".join(cells[f.id])) for f in fields) + " |")
    return "\n".join(lines)


def situations_markdown(grid: Grid) -> str:
    heads = ["situation", *(grid.level_seed_label(lv) for lv in LEVELS[:3])]
    lines = ["| " + " | ".join(md(h) for h in heads) + " |", "|---|---|---|---|"]
    for label, cells in situations_table(grid):
        lines.append(f"| {md(label)} | " + " | ".join(
            md(", ".join(kind + (MARK if ext else "") for kind, ext in cell)) for cell in cells)
            + " |")
    return "\n".join(lines)


def _tables(grid: Grid) -> list[Block]:
    source = f"Source : {grid.model.seed_cell}."
    model = (f"<div class='table-page'><h2>L'organisation en trois lignes</h2>"
             f"{model_table_html(grid)}</div>",
             f"## L'organisation en trois lignes\n\n{model_markdown(grid)}\n\n"
             f"{md(fr(PLACED_NOTE))} {md(fr(NOT_CALLED_NOTE))}\n\n{md(fr(source))}")
    situations = (f"<div class='table-page'><h2>Les situations et leurs niveaux de recours</h2>"
                  f"{situations_table_html(grid)}</div>",
                  "## Les situations et leurs niveaux de recours\n\n"
                  f"{situations_markdown(grid)}\n\n{md(fr(SITUATIONS_NOTE))}\n\n"
                  f"{md(fr(source))} L'urgence et ses drapeaux rouges : critères de la grille.")
    return [("table", model), ("table", situations)]


def handout_blocks(grid: Grid, items: list[tuple[Any, Any]], seed: int | None,
                   today: dt.date, part: str = "tout", hide_situation: bool = False
                   ) -> list[Block]:
    """The handout's blocks; `items` are (vignette, result) in the session's order."""
    boxes = " ".join(f"☐ {grid.level_label(lv)}" for lv in LEVELS)
    draw = (f"Tirage {seed} : la présentation du même tirage (gradation train --presentation "
            f"--seed {seed}) suit le même ordre." if seed is not None
            else "Vignettes dans l'ordre du fichier (sans tirage).")
    parts = {"vignettes": " — vignettes", "corrige": " — corrigé"}
    blocks: list[Block] = [("title", TITLE + parts.get(part, "")),
                           ("p", f"Séance du {french_date(today)}. {draw}")]
    if part == "tout":
        blocks += _tables(grid)
    if part in ("tout", "vignettes"):
        blocks.append(("page", None))
        for i, (vignette, _) in enumerate(items, 1):
            situation = grid.situations[vignette.situation]
            head = f"Vignette {i}" + ("" if hide_situation else f" — {situation.label}")
            blocks += [("h2", head + _difficulty(vignette)), ("p", vignette.story),
                       ("p", f"Niveau de recours : {boxes}")]
    if part in ("tout", "corrige"):
        blocks += [("page", None), ("h2", "Corrigé")]
        for i, (vignette, result) in enumerate(items, 1):
            blocks += _answer(grid, i, vignette, result)
    return blocks


def _answer(grid: Grid, i: int, vignette: Any, result: Any) -> list[Block]:
    situation = grid.situations[vignette.situation]
    reasons = [f"{r.text} ({r.source} ; case : {r.cell})" for r in result.reasons
               if r.level == result.level]
    kinds = kinds_with_lines(grid, result.level, [r.kind for r in result.resources])
    out: list[Block] = [
        ("h3", f"Vignette {i} — {situation.label}"), ("p", vignette.story),
        ("p", f"Réponse : {grid.level_label(result.level)} · {grid.delay_label(result.delay)}"),
        ("ul", reasons),
        ("p", "Ressources du territoire de démonstration : " + (", ".join(kinds) or "aucune"))]
    if vignette.teaching:
        out.append(("p", f"À retenir : {vignette.teaching}"))
    return out


def _difficulty(vignette: Any) -> str:
    return f" · {vignette.difficulty}" if vignette.difficulty else ""


HANDOUT_CSS = """@page paysage{size:A4 landscape;margin:10mm 10mm 10mm 10mm}
.table-page{page:paysage;break-before:page;break-after:page}
.table-page h2{margin:0 0 .4rem}
table.seed{border-collapse:collapse;width:100%;font-size:8.5pt;line-height:1.25}
table.seed th,table.seed td{border:1px solid #444;padding:.15rem .3rem;vertical-align:top;
text-align:left}
.table-page .note,.table-page .source{font-size:8.5pt;margin:.25rem 0}
.page-break{break-before:page}
h3{font-size:1rem;margin:.9rem 0 .3rem;break-after:avoid}"""


def handout_html(blocks: list[Block]) -> str:
    return blocks_html(blocks, TITLE, extra_css=HANDOUT_CSS)


def handout_markdown(blocks: list[Block]) -> str:
    return blocks_markdown(blocks)
