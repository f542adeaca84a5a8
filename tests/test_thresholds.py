"""Thresholds a GP or a coordinator would notice, each on both sides: the one-year freshness of
an entry, and « non évalué, pourrait relever le niveau »."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ADULT, TODAY, write

from gradation.core.decision import decide
from gradation.files.territories import check_territory_file, load_territory

AS_BOOL = {"oui": True, "non": False}
BASE = {k: AS_BOOL.get(v, v) for k, v in ADULT.items()}
ANXIO = {**BASE, "phq9": 5, "gad7": 5, "retentissement_travail": False,
         "doute_diagnostique": False}


@pytest.fixture
def ages(tmp_path):  # type: ignore[no-untyped-def]
    year = (TODAY - dt.timedelta(days=365)).isoformat()
    older = (TODAY - dt.timedelta(days=366)).isoformat()
    return write(tmp_path / "t.yaml", f"""
        territory: {{id: t, name: "T"}}
        resources:
          - {{id: psy-an, name: "Vérifiée il y a 365 jours", kind: psychologue, verified_on: {year}}}
          - {{id: psy-plus, name: "Vérifiée il y a 366 jours", kind: psychologue, verified_on: {older}}}
        """)


def test_an_entry_checked_365_days_ago_is_fresh_366_is_not(grid, ages):
    territory = load_territory(ages, grid, TODAY)
    result = decide(grid, grid.situations["anxio-depression"], ANXIO, territory, TODAY)
    stale = [w for w in result.warnings if "non vérifiée depuis plus d'un an" in w]
    assert len(stale) == 1 and "366 jours" in stale[0]


def test_validation_warns_at_366_days_only(grid, ages):
    _, problems = check_territory_file(ages, grid, TODAY)
    stale = [p for p in problems if "non vérifiée depuis plus d'un an" in p.message]
    assert [p.line for p in stale] == [4] and not stale[0].is_error


# the context screen answered (nothing applies): only the scores are left unanswered
CONTEXT = {"perinatalite": "aucun", "suivi_psychiatrique": False, "tentative_evaluee": False,
           "maltraitance_suspectee": False}


def _could_raise(grid, situation, answers):  # type: ignore[no-untyped-def]
    return decide(grid, grid.situations[situation], {**CONTEXT, **answers}).could_raise


def test_an_unanswered_score_is_named_when_it_could_raise_the_level(grid):
    assert _could_raise(grid, "anxio-depression", {**ANXIO, "phq9": None}) == ["phq9"]
    assert _could_raise(grid, "anxio-depression", {**ANXIO, "phq9": None, "gad7": None}) == [
        "phq9", "gad7"]


def test_an_unanswered_score_is_not_named_when_the_level_is_already_above_it(grid):
    # a diagnostic doubt already takes the patient to level 3: no score can raise it
    answers = {**ANXIO, **CONTEXT, "phq9": None, "doute_diagnostique": True}
    result = decide(grid, grid.situations["anxio-depression"], answers)
    assert result.level == "3" and result.unanswered == ["phq9"] and result.could_raise == []
    # alcohol dependence is level 2, as high as an AUDIT score could take it
    alcool = {**BASE, "produit": "alcool", "audit": None, "sevrage_complique": False,
              "dependance": True, "retentissement_travail": False}
    assert _could_raise(grid, "addictions", alcool) == []
    # an attempt already treated is a level-2 rule here: unanswered, it could not raise it
    assert decide(grid, grid.situations["addictions"], {**alcool, **CONTEXT,
                  "tentative_evaluee": None}).could_raise == []  # level 2 already
    assert _could_raise(grid, "addictions", {**alcool, "dependance": False}) == ["audit"]
