"""`compare` and `sources` as documents (Markdown, printable HTML): the same sections as the
terminal, built from the same data (`teaching.compare`, `teaching.citations`)."""

from __future__ import annotations

import html
from typing import Any

from gradation.core.model import Grid
from gradation.present.documents import Block, blocks_html, blocks_markdown, md
from gradation.present.typography import fr

COMPARE_TITLE = "Mêmes réponses, situations comparées"
SOURCES_TITLE = "Sources des grilles"


def compare_rows(grid: Grid, sides: list[Any], label: Any) -> list[tuple[str, list[str]]]:
    """Row name → one text per situation (`label` gives a question's wording)."""
    return [
        ("niveau", [grid.level_label(s.level) if s.level else "—" for s in sides]),
        ("délai", [grid.delay_label(s.delay) if s.delay else "—" for s in sides]),
        ("raisons", ["\n".join(f"• {r}" for r in s.reasons) if s.reasons is not None
                     else s.problem or "" for s in sides]),
        ("appelle", [", ".join(s.kinds) if s.kinds else "—" for s in sides]),
        ("réponses non lues", [", ".join(label(grid, q) for q in s.unused or []) or "—"
                               for s in sides]),
    ]


def _cell_html(text: str) -> str:
    return "<br>".join(html.escape(fr(line)) for line in text.split("\n"))


def compare_document(grid: Grid, sides: list[Any], label: Any, markdown: bool) -> str:
    rows = compare_rows(grid, sides, label)
    heads = [s.situation.label for s in sides]
    table_md = "\n".join(
        ["| | " + " | ".join(md(h) for h in heads) + " |", "|---|" + "---|" * len(heads)]
        + [f"| **{name}** | " + " | ".join(md(c).replace("\n", "<br>") for c in cells) + " |"
           for name, cells in rows])
    table_html = ("<table class='compare'><tr><th></th>"
                  + "".join(f"<th>{_cell_html(h)}</th>" for h in heads) + "</tr>"
                  + "".join(f"<tr><th>{name}</th>" + "".join(f"<td>{_cell_html(c)}</td>"
                                                             for c in cells) + "</tr>"
                            for name, cells in rows) + "</table>")
    blocks: list[Block] = [("title", COMPARE_TITLE), ("table", (table_html, table_md))]
    return blocks_markdown(blocks) if markdown else blocks_html(blocks, COMPARE_TITLE,
                                                                extra_css=_TABLE_CSS)


def sources_document(references: list[Any], cited: dict[str, list[str]],
                     unknown: dict[str, list[str]], markdown: bool) -> str:
    blocks: list[Block] = [("title", SOURCES_TITLE)]
    for ref in references:
        blocks += [("h2", ref.tag), ("p", ref.reference)]
        blocks += [("p", f"Couvre : {ref.covers}")] if ref.covers else []
        blocks.append(("p", f"Cité par : {', '.join(cited[ref.tag]) or 'aucune règle'}."))
    if unknown:
        blocks += [("h2", "Citations sans référence (à ajouter à sources.yaml)"),
                   ("ul", [f"« {item} » ({', '.join(who)})" for item, who in unknown.items()])]
    return blocks_markdown(blocks) if markdown else blocks_html(blocks, SOURCES_TITLE)


_TABLE_CSS = """@page{size:A4 landscape}
body{max-width:none}
table.compare{border-collapse:collapse;width:100%;font-size:10pt}
table.compare th,table.compare td{border:1px solid #444;padding:.25rem .4rem;
vertical-align:top;text-align:left}"""
