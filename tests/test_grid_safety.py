"""Clinical safety, proved on the whole answer space of the grids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ADULT, answer_flags, as_json, copy_grids

from gradation.core.decision import decide
from gradation.core.model import SAFETY_RED_FLAGS
from gradation.core.proofs import check_grid, check_situation, paths
from gradation.files.grids import load_grid


def test_shipped_grids_pass_every_check(shipped_findings):
    assert shipped_findings == []


def test_every_path_is_explored(grid):
    # Sanity: the exploration really branches (scores cut into classes, conditional questions).
    counts = {sid: sum(1 for _ in paths(s)) for sid, s in grid.situations.items()}
    assert all(n > 100 for n in counts.values()), counts
    addictions = grid.situations["addictions"]
    products = {p["produit"] for p in paths(addictions)}
    assert products == set(addictions.question("produit").choice_ids())
    assert any("audit" in p for p in paths(addictions))
    assert not any("audit" in p and p["produit"] != "alcool" for p in paths(addictions))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_red_flags_lead_to_urgence_even_when_a_grid_drops_them(tmp_path, cli):
    grids = copy_grids(tmp_path)
    common = grids / "common.yaml"
    text = common.read_text(encoding="utf-8")
    common.write_text(text[: text.index("red_flags:")] + "red_flags: []\n", encoding="utf-8")
    grid = load_grid(grids)
    findings = check_grid(grid)
    assert {f.check for f in findings} == {"red-flag"}
    assert len(findings) == len(SAFETY_RED_FLAGS)
    for qid, positive in SAFETY_RED_FLAGS:
        answers = {**ADULT, "age": 12 if qid == "enfant_en_danger" else 30,
                   qid: "eleve" if positive == "eleve" else "oui"}
        for situation in grid.situations.values():
            result = decide(grid, situation, answers)
            assert result.level == "urgence", (qid, situation.id)
            assert result.reasons[0].source == "règle de sécurité intégrée à gradation"
    result = cli("orient", "--grids", str(grids), "-s", "psychiatrie", "-f", "json",
                 *answer_flags({"agitation": "oui"}))
    assert as_json(result.stdout)["level"] == "urgence"


def test_a_grid_cannot_remove_a_safety_question(tmp_path):
    grids = copy_grids(tmp_path)
    edit(grids / "common.yaml", "  - id: agitation\n    text:", "  - id: agitation_severe\n    text:")
    edit(grids / "common.yaml", 'when: "agitation"', 'when: "agitation_severe"')
    from gradation.errors import LoadError

    with pytest.raises(LoadError) as caught:
        load_grid(grids)
    assert "la question de sécurité « agitation » doit rester" in caught.value.message


@pytest.mark.parametrize(
    ("file", "old", "new", "check", "witness"),
    [
        # A non-monotone rule: a more severe answer lowers the level.
        ("psychiatrie.yaml", 'when: "decompensation and retentissement = severe"',
         'when: "decompensation and not rupture_de_soins"', "monotone", "rupture_de_soins"),
        # An unreachable level: the only level-3 rules can never hold.
        ("gaja.yaml", 'when: "echec_soins_anterieurs = deuxieme_ligne"',
         'when: "decrochage and not decrochage"', "dead-rule", None),
        # A dead question: asked only under a condition that never holds.
        ("enfant-apprentissages.yaml", "  - id: troubles_psychiques_associes\n",
         '    when: "age > 15"\n  - id: troubles_psychiques_associes\n',
         "dead-question", None),
    ],
)
def test_broken_variants_fail_with_a_counterexample(tmp_path, file, old, new, check, witness):
    grids = copy_grids(tmp_path)
    edit(grids / "situations" / file, old, new)
    grid = load_grid(grids)
    situation = grid.situations[file.removesuffix(".yaml")]
    findings = [f for f in check_situation(grid, situation) if f.check == check]
    assert findings, check
    if witness:
        assert witness in findings[0].answers


def test_unreachable_level_is_reported(tmp_path):
    grids = copy_grids(tmp_path)
    path = grids / "situations" / "gaja.yaml"
    text = path.read_text(encoding="utf-8")
    # Every level-3 rule made impossible: level 3 is never reached.
    text = re.sub(r'level: 3\n    when: "[^"]*"', 'level: 3\n    when: "decrochage and not decrochage"',
                  text)
    path.write_text(text, encoding="utf-8")
    grid = load_grid(grids)
    findings = check_situation(grid, grid.situations["gaja"])
    assert any(f.check == "unreachable-level" and "niveau 3" in f.message for f in findings)
