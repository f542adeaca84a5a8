"""The patient sheet: one A4 page for every reference case (Chromium), the right place to call
first, the numbers on it, red only for urgence and 72 hours."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from conftest import ADULT, ROOT, SHARED, TODAY, answer_flags
from test_print import print_pdf, read_pdf

from gradation.core.answers import AnswerError
from gradation.core.settle import result_for
from gradation.errors import GradationError
from gradation.files.territories import load_territory
from gradation.present.output import render_document

FILES = [ROOT / "tests" / "cases" / "cases.yaml"]
if (SHARED / "cases" / "cases.yaml").is_file():
    FILES.append(SHARED / "cases" / "cases.yaml")
DEMO = str(ROOT / "grids" / "territories" / "demo.yaml")
CONTEXT = {"perinatalite": "aucun", "suivi_psychiatrique": "non", "tentative_evaluee": "non",
           "maltraitance_suspectee": "non", "tentative_recente": "non", "mise_en_danger": "non"}


def _sheets(grid):  # type: ignore[no-untyped-def]
    """(case name, result, sheet HTML) for every case that has a sheet."""
    out = []
    for path in FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        territory = load_territory(path.parent / data["territory"], grid, TODAY)
        today = data.get("today") or TODAY
        today = dt.date.fromisoformat(today) if isinstance(today, str) else today
        for i, case in enumerate(data["cases"]):
            situation = grid.situations.get(case["situation"])
            if situation is None:
                continue
            try:
                result = result_for(grid, situation, case.get("answers") or {}, territory, today)
                html = render_document("fiche", "html", result, grid, today)
            except (AnswerError, GradationError):
                continue  # a refused case, or a child at risk: no sheet
            out.append((f"{path.parent.parent.name}#{i}", result, html))
    return out


def test_every_reference_sheet_prints_on_one_a4_page(grid, tmp_path):
    sheets = _sheets(grid)
    assert len(sheets) > 100
    css = sheets[0][2].split("<style>")[1].split("</style>")[0]
    bodies = [html.split("<body>")[1].split("</body>")[0] for _, _, html in sheets]
    # one document of all the sheets, each from a new page: a sheet that runs onto a second
    # page shows as a page without a sheet's title
    joined = ("<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><style>" + css
              + "\n.sheet{break-before:page}</style></head><body>"
              + "".join(f'<div class="sheet">{body}</div>' for body in bodies) + "</body></html>")
    page = tmp_path / "fiches.html"
    page.write_text(joined, encoding="utf-8")
    pages = read_pdf(print_pdf(page, tmp_path))
    titled = [("Votre orientation" in text or "Aide immédiate" in text) for _, text in pages]
    overflowing = [sheets[sum(titled[:i]) - 1][0] for i, ok in enumerate(titled) if not ok]
    assert not overflowing, f"sheets on more than one page: {overflowing}"
    assert len(pages) == len(sheets)


def test_the_numbers_are_on_the_sheet_and_red_is_for_72_hours_and_urgence(grid):
    for name, result, html in _sheets(grid):
        flat = html.replace("\u00a0", " ").replace("\u202f", " ")
        for number in result.numbers:
            assert re.search(rf"(?<![\d ]){number.number}(?![\d])", flat), (name, number.number)
        red = 'class="banner urgent"' in html
        assert red == (result.delay in ("sans-delai", "sous-72h")), (name, result.delay)


def sheet(cli, situation, answers):  # type: ignore[no-untyped-def]
    result = cli("orient", "-s", situation, "-t", DEMO, *answer_flags(answers), "-f",
                 "markdown", "-d", "fiche")
    assert result.exit_code == 0, result.output
    return result.stdout.replace("\u00a0", " ").replace("\u202f", " ")


def test_the_first_to_call_answers_the_most_urgent_reason(cli):
    # alcohol dependence with a medium suicide risk: the first place is psychiatric, not the
    # CSAPA « pour un accompagnement »
    text = sheet(cli, "addictions", {**ADULT, **CONTEXT, "risque_suicidaire": "moyen",
                                     "produit": "alcool", "audit": 22, "sevrage_complique": "non",
                                     "dependance": "oui", "retentissement_travail": "non"})
    first = next(line for line in text.splitlines()
                 if line.startswith("- **") and "à appeler en premier" in line)
    assert "CSAPA" not in first and ("CMP" in first or "sychiatre" in first), first
    assert "N'arrêtez pas l'alcool" not in text or "sevrage" in text


def place_of(text: str, name: str) -> str:
    """A place's block in the Markdown sheet: from its line to the next place."""
    start = text.index(f"- **{name}")
    rest = text[start + 2:]
    end = min((i for i in (rest.find("\n- **"), rest.find("\n## ")) if i >= 0), default=len(rest))
    return rest[:end]


def test_a_place_the_patient_cannot_reach_alone_is_contacted_by_the_doctor(cli):
    # a complicated withdrawal: the unit is reached by the doctor; the first to call is the
    # first reachable place of the most urgent reason (a medium suicide risk)
    text = sheet(cli, "addictions", {**ADULT, **CONTEXT, "risque_suicidaire": "moyen",
                                     "produit": "alcool", "audit": 22, "sevrage_complique": "oui",
                                     "dependance": "oui", "retentissement_travail": "non"})
    unit = place_of(text, "Centre hospitalier de Valdeville — unité de sevrage")
    assert "votre médecin les contacte" in unit and "à appeler en premier" not in unit
    assert "Téléphone" not in unit
    marked = [line for line in text.splitlines()
              if line.startswith("- **") and "à appeler en premier" in line]
    assert len(marked) == 1
    first = marked[0]
    assert "CMP" in first or "psychiatre" in first, first
