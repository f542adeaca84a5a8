"""One result, the same sections in every format: the terminal, Markdown and HTML say each list
of resources with its title and lead, and each note (« Non évalué… », « Réponses ignorées… »,
warnings) — the documents once dropped two of them."""

from __future__ import annotations

import html
import re

import pytest
from conftest import ADULT, TODAY, write

from gradation.core.decision import decide
from gradation.files.territories import load_territory
from gradation.present.documents import blocks_html, blocks_markdown, result_blocks
from gradation.present.terminal import result_text

AS_BOOL = {"oui": True, "non": False}
# A 60-year-old (pregnancy is not asked: its answer is ignored), PHQ-9 ≥ 20 (level 3), the
# GAD-7 not evaluated, a psychiatrist twelve weeks away (a bridge, and no one in time).
ANSWERS = {**{k: AS_BOOL.get(v, v) for k, v in ADULT.items()}, "age": 60,
           "risque_suicidaire": "moyen", "perinatalite": "aucun", "suivi_psychiatrique": False,
           "tentative_evaluee": False, "maltraitance_suspectee": False, "phq9": 22,
           "gad7": None, "retentissement_travail": False, "doute_diagnostique": False}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture
def result(grid, tmp_path):  # type: ignore[no-untyped-def]
    path = write(tmp_path / "t.yaml", """
        territory: {id: t, name: "T", communes: [{insee: "99001", name: "A"}]}
        resources:
          - {id: psychiatre-loin, name: "Dr Loin", kind: psychiatre, wait_weeks: 12,
             verified_on: 2020-01-01}
          - {id: psy-proche, name: "Psy Proche", kind: psychologue, wait_weeks: 1}
        """)
    territory = load_territory(path, grid, TODAY)
    return decide(grid, grid.situations["anxio-depression"], ANSWERS, territory, TODAY)


def test_every_format_says_every_section(grid, result):
    from gradation.present.sections import result_sections

    sections = result_sections(grid=grid, result=result)
    # the result this test needs: every kind of list and note present
    titles = [listed.title for listed in sections.lists]
    assert titles[0] == "Ressources" and "En attendant (délai d'attente de 12 semaines)" in titles
    assert any(t.startswith("Si aucun avis n'est possible") for t in titles)
    said = [n.text for n in sections.notes]
    assert any(t.startswith("Réponses ignorées") for t in said)
    assert any(t.startswith("Non évalué") for t in said)
    assert any("non vérifiée depuis plus d'un an" in t for t in said)

    blocks = result_blocks(result, grid)
    page = html.unescape(re.sub(r"<[^>]+>", " ", blocks_html(blocks, "Orientation")))
    markdown = re.sub(r"\\(.)", r"\1", blocks_markdown(blocks))
    for name, text in (("terminal", result_text(result, grid)), ("markdown", markdown),
                       ("html", page)):
        flat = _flat(text)
        for expected in [*titles, *said, *(listed.lead for listed in sections.lists
                                           if listed.lead)]:
            assert _flat(expected) in flat, (name, expected)
