"""Every document of a result, in the format asked: the one entry point for the session."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gradation.core.model import Grid
from gradation.core.result import Result


def render_document(document: str, output_format: str, result: Result, grid: Grid,
                    today: dt.date | None = None, letter: str | None = None,
                    recipient: str | None = None, explanation: Any = None,
                    praticien: Any = None) -> str:
    """`resultat`, `lettre` (of a purpose, headed and signed by `praticien` when known) or
    `fiche`, as Markdown or HTML; the result with its explanation (`--explain`) when given."""
    # loaded here, not for the JSON or the terminal's text
    from gradation.present.documents import SHEET_CSS, blocks_html, blocks_markdown, result_blocks
    from gradation.present.letters import letter_blocks
    from gradation.present.sheet import sheet_blocks

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


def render(result: Result, grid: Grid, output_format: str, document: str = "resultat",
           explanation: Any = None, letter: str | None = None, recipient: str | None = None,
           praticien: Any = None) -> str:
    """A result as text in the format asked: JSON (with its explanation), a document in
    Markdown or HTML, or the terminal's text."""
    if output_format == "json":
        import json

        from gradation.present.data import result_json

        data = result_json(result, grid)
        if explanation is not None:
            data["explain"] = explain_json(grid, result, explanation)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output_format in ("markdown", "html"):
        return render_document(document, output_format, result, grid, letter=letter,
                               recipient=recipient, explanation=explanation,
                               praticien=praticien)
    from gradation.present.terminal import result_text

    return result_text(result, grid, explanation)


def explain_json(grid: Grid, result: Result, explanation: Any) -> dict[str, Any]:
    """`--explain` in the JSON: each rule (applied or not, with the answers read), the one
    answer changes that would raise or lower the level, what the level above needs."""
    from gradation.present.explanation import explained

    checks, ups, downs = explanation
    said = explained(grid, result, explanation)

    def change(c: Any) -> dict[str, Any]:
        return {"question": c.question, "from": c.before, "to": c.after, "level": c.level}

    return {
        "why_not_above": said.why_not_above,
        "rules": [{"rule": c.rule, "level": c.level, "condition": c.text, "fired": c.fired,
                   "answers": c.read} for c in checks],
        "raise": [change(c) for c in ups],
        "lower": [change(c) for c in downs],
    }
