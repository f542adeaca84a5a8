"""Edges of the engine that a mutation run of core/ found unguarded: each test names what a GP
would see go wrong if the rule it checks were broken."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ADULT, TODAY, copy_grids, write

from gradation.core import settle
from gradation.core.conditions import comparisons
from gradation.core.decision import decide
from gradation.core.settle import result_for, settled, unneeded
from gradation.core.space import to_come
from gradation.files.grids import load_grid
from gradation.files.territories import load_territory

AS_BOOL = {"oui": True, "non": False}
BASE = {k: AS_BOOL.get(v, v) for k, v in ADULT.items()}
CALM = {"tentative_recente": False, "mise_en_danger": False, "danger_autrui": False,
        "agitation": False, "confusion": False, "intoxication_aigue": False,
        "enfant_en_danger": False}
# A 16-year-old at medium suicide risk, every question of the path answered but maltreatment.
TEEN = {"age": 16, "commune": "99001", "risque_suicidaire": "moyen", **CALM,
        "perinatalite": "aucun", "suivi_psychiatrique": False, "tentative_evaluee": False,
        "retentissement": "modere", "echec_soins_anterieurs": "aucun", "automutilations": False,
        "refus_scolaire": False, "troubles_alimentaires": False,
        "symptomes_psychotiques": False}
PSY = {**BASE, "perinatalite": "aucun", "suivi_psychiatrique": False,
       "tentative_evaluee": False, "maltraitance_suspectee": False, "premier_episode": False,
       "decompensation": False, "rupture_de_soins": False}
ANXIO = {**BASE, "perinatalite": "aucun", "suivi_psychiatrique": False,
         "tentative_evaluee": False, "maltraitance_suspectee": False, "gad7": 5,
         "retentissement_travail": False, "doute_diagnostique": False}


def test_a_question_that_changes_only_the_numbers_is_still_asked(grid):
    # Maltreatment changes neither the level nor the delay here, only the numbers given to the
    # family (119): the questionnaire must still ask it.
    teen = grid.situations["adolescent"]
    assert [q.id for q in to_come(teen, TEEN)] == ["maltraitance_suspectee"]
    without = decide(grid, teen, {**TEEN, "maltraitance_suspectee": False})
    with_ = decide(grid, teen, {**TEEN, "maltraitance_suspectee": True})
    assert (without.level, without.delay) == (with_.level, with_.delay) == ("2", "sous-72h")
    assert "119" in [n.dial for n in with_.numbers]
    assert "119" not in [n.dial for n in without.numbers]
    assert not settled(grid, teen, TEEN)
    assert unneeded(grid, teen, TEEN) == []


@pytest.mark.parametrize("qid", ["age", "commune"])
def test_the_age_and_the_commune_are_always_asked(grid, qid):
    # Without a territory nothing depends on the commune, yet it chooses the resources: it is
    # asked. The age is too, even when the other answers already decide the level.
    teen = grid.situations["adolescent"]
    answers = {k: v for k, v in {**TEEN, "maltraitance_suspectee": False}.items() if k != qid}
    assert [q.id for q in to_come(teen, answers)] == [qid]
    assert not settled(grid, teen, answers)
    with pytest.raises(Exception, match=qid) if qid == "age" else _no_error():
        result = result_for(grid, teen, answers)
        assert qid not in result.not_asked


class _no_error:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_the_completion_limit_is_exact(grid, monkeypatch):
    # A psychiatrie grid whose rules no longer read the three last questions: they change
    # nothing, and the questionnaire may stop before them... as long as the answer sets to
    # explore (2 × 2 × 2) stay within the limit; one more and nothing is skipped.
    psy = grid.situations["psychiatrie"]
    inert = ("premier_episode", "decompensation", "rupture_de_soins")
    quiet = dataclasses.replace(psy, rules=[r for r in psy.rules if not any(
        c.question in inert for c in comparisons(r.condition))])
    answers = {**PSY, "risque_suicidaire": "aucun"}
    for qid in inert:
        del answers[qid]
    assert [q.id for q in to_come(quiet, answers)] == list(inert)
    monkeypatch.setattr(settle, "LIMIT", 8)
    assert settled(grid, quiet, answers)
    assert result_for(grid, quiet, answers).not_asked == list(inert)
    monkeypatch.setattr(settle, "LIMIT", 7)
    assert not settled(grid, quiet, answers)


def test_a_red_flag_the_grid_dropped_still_calls_every_urgence_kind(tmp_path, demo):
    grids = copy_grids(tmp_path)
    common = grids / "common.yaml"
    text = common.read_text(encoding="utf-8")
    start = text.index("  - id: agitation\n", text.index("red_flags:"))
    end = text.index("  - id:", start + 5)
    common.write_text(text[:start] + text[end:], encoding="utf-8")
    edited = load_grid(grids)
    assert "agitation" not in {c.question for f in edited.red_flags
                               for c in comparisons(f.condition)}
    result = decide(edited, edited.situations["psychiatrie"], {**BASE, "agitation": True},
                    demo, TODAY)
    assert result.level == "urgence"
    assert [r.rule for r in result.reasons] == ["securite-agitation"]
    assert result.resources, "the built-in rule must list the territory's urgence resources"
    assert {r.kind for r in result.resources} <= set(edited.model.urgence_kinds)
    assert set(result.because[result.resources[0].id]) == {"securite-agitation"}


@pytest.fixture
def waiting(tmp_path, grid):  # type: ignore[no-untyped-def]
    path = write(tmp_path / "t.yaml", """
        territory: {id: t, name: "T", communes: [{insee: "99001", name: "A"}]}
        resources:
          - {id: psychiatre-loin, name: "Dr Loin", kind: psychiatre, wait_weeks: 12}
          - {id: psy-proche, name: "Psy Proche", kind: psychologue, wait_weeks: 1}
          - {id: mg-proche, name: "Dr Proche", kind: medecin-generaliste}
        """)
    return load_territory(path, grid, TODAY)


def test_a_resource_is_listed_once_even_when_it_bridges_and_complements(grid, waiting):
    # Level 3 with the psychiatrist twelve weeks away: the level-1 resources bridge the wait;
    # the level's proximity care (alongside) must not list them a second time.
    anxio = grid.situations["anxio-depression"]
    result = decide(grid, anxio, {**ANXIO, "phq9": 22}, waiting, TODAY)
    assert result.level == "3"
    assert [r.id for r in result.resources] == ["psychiatre-loin"]
    assert sorted(r.id for r in result.bridge) == ["mg-proche", "psy-proche"]
    assert result.bridge_reason == "délai d'attente de 12 semaines"
    assert result.alongside == []


def test_no_resource_of_the_level_says_so_and_bridges(grid, tmp_path):
    path = write(tmp_path / "t.yaml", """
        territory: {id: t, name: "T", communes: [{insee: "99001", name: "A"}]}
        resources:
          - {id: psy-proche, name: "Psy Proche", kind: psychologue, wait_weeks: 1}
        """)
    territory = load_territory(path, grid, TODAY)
    result = decide(grid, grid.situations["anxio-depression"], {**ANXIO, "phq9": 22},
                    territory, TODAY)
    assert result.level == "3" and result.resources == []
    assert result.looked_for == ["psychiatre", "cmp"]
    assert [r.id for r in result.bridge] == ["psy-proche"]
    assert result.bridge_reason == "aucune ressource de ce niveau ne correspond"


def test_a_wait_at_the_bridge_threshold_is_not_bridged(grid, tmp_path):
    # bridge_weeks is 4 (model.yaml): a four-week wait needs no bridge, five weeks do.
    for weeks, bridged in ((4, False), (5, True)):
        path = write(tmp_path / f"t{weeks}.yaml", f"""
            territory: {{id: t, name: "T", communes: [{{insee: "99001", name: "A"}}]}}
            resources:
              - {{id: psychiatre, name: "Dr P", kind: psychiatre, wait_weeks: {weeks}}}
              - {{id: psy-proche, name: "Psy Proche", kind: psychologue, wait_weeks: 1}}
            """)
        territory = load_territory(path, grid, TODAY)
        result = decide(grid, grid.situations["anxio-depression"], {**ANXIO, "phq9": 22},
                        territory, TODAY)
        assert bool(result.bridge) is bridged, weeks


OFF_PATH = "n'est pas posée sur ce parcours"


def test_a_red_flag_asked_on_the_path_gets_no_off_path_warning(grid):
    result = decide(grid, grid.situations["psychiatrie"], {**BASE, "agitation": True})
    assert result.level == "urgence"
    assert not [w for w in result.warnings if OFF_PATH in w]


def test_an_answer_off_the_path_is_ignored_without_the_off_path_warning(grid):
    # Pregnancy is asked from 12 to 55: answered for a 60-year-old, it is listed as ignored.
    # Only a red flag (or a grid's honour_positive question) off the path is heard, with that
    # warning.
    result = decide(grid, grid.situations["psychiatrie"], {**PSY, "age": 60})
    assert result.ignored == ["perinatalite"]
    assert not [w for w in result.warnings if OFF_PATH in w]
    assert "perinatalite" not in result.answers
