"""Every document of a result, in the format asked: the one entry point for the session."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gradation.core.model import Grid
from gradation.core.result import Result
from gradation.present.documents import SHEET_CSS, blocks_html, blocks_markdown, result_blocks
from gradation.present.letters import letter_blocks
from gradation.present.sheet import sheet_blocks


def render_document(document: str, output_format: str, result: Result, grid: Grid,
                    today: dt.date | None = None, letter: str | None = None,
                    recipient: str | None = None, explanation: Any = None,
                    praticien: Any = None) -> str:
    """`resultat`, `lettre` (of a purpose, headed and signed by `praticien` when known) or
    `fiche`, as Markdown or HTML; the result with its explanation (`--explain`) when given."""
    today = today or dt.date.today()
    if document == "resultat":
        blocks, title, patient = result_blocks(result, grid), "Orientation", False
        if explanation is not None:
            from gradation.present.explanation import explained

            said = explained(grid, result, explanation)
            blocks += [("h2", "Règles de la situation"),
                       ("ul", said.rules + ([said.why_not_above] if said.why_not_above else [])),
                       ("h2", "Ce qui changerait le niveau"), ("ul", said.changes)]
    elif document == "lettre":
        blocks = letter_blocks(result, grid, today, letter, recipient, praticien)
        title, patient = "Courrier", True
    else:
        blocks, title, patient = sheet_blocks(result, grid, today), "Votre orientation", False
    if output_format == "markdown":
        return blocks_markdown(blocks)
    return blocks_html(blocks, title, patient, SHEET_CSS if document == "fiche" else "")
