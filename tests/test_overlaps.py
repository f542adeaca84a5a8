"""Overlapping situations made visible: the result names the other situation a patient's age
fits (psychiatrie / gaja, addictions / gaja), and `gradation compare` sets the same answers
under both side by side."""

from __future__ import annotations

import pytest
from conftest import ADULT, ROOT, answer_flags, as_json, copy_grids

TERRITORY = str(ROOT / "tests" / "cases" / "territoire.yaml")
PSY = {**ADULT, "retentissement": "severe", "premier_episode": "oui", "decompensation": "non",
       "rupture_de_soins": "non"}
GAJA = {"decrochage": "non", "conduites_a_risque": "non", "symptomes_psychotiques": "oui"}


@pytest.mark.parametrize(("situation", "age", "also"), [
    ("psychiatrie", 16, ["gaja", "adolescent"]), ("psychiatrie", 18, ["gaja"]),
    ("psychiatrie", 25, ["gaja"]), ("psychiatrie", 26, []),
    ("addictions", 12, ["adolescent"]), ("addictions", 14, ["adolescent"]),
    ("addictions", 15, ["gaja", "adolescent"]), ("addictions", 25, ["gaja"]),
    ("anxio-depression", 17, ["adolescent"]), ("anxio-depression", 20, []),
])
def test_the_result_names_the_overlapping_situation_the_age_fits(cli, situation, age, also):
    answers = {**PSY, "age": age, "produit": "cannabis", "cast": 3, "dependance": "non",
               "sevrage_complique": "non", "retentissement_travail": "non",
               "doute_diagnostique": "non", "phq9": 5, "gad7": 5}
    shown = cli("show", situation, "--format", "markdown").stdout
    answers = {k: v for k, v in answers.items() if f"`{k}`" in shown}
    if age < 18:
        answers.update(enfant_en_danger="non", maltraitance_suspectee="non")
    result = cli("orient", "-s", situation, "-t", TERRITORY, "-f", "json",
                 *answer_flags(answers))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert as_json(result.stdout)["also"] == also
    text = " ".join(cli("orient", "-s", situation, "-t", TERRITORY,
                        *answer_flags(answers)).stdout.split())
    noted = "peut aussi s'appliquer" in text
    assert noted == bool(also)
    labels = {"gaja": "« Grands adolescents et jeunes adultes »",
              "adolescent": "« Adolescent en souffrance psychique (11 à 17 ans) »"}
    for other in also:
        assert labels[other] in text
    if also:
        assert f"gradation compare {situation} {' '.join(also)}" in text


def test_compare_sets_the_same_answers_under_two_situations(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    answers = {**PSY, "age": 20, **GAJA}
    out = cli("compare", "psychiatrie", "gaja", *answer_flags(answers)).stdout
    words = " ".join(out.replace("│", " ").split())
    assert "Premier épisode suspecté avec retentissement sévère" in words
    assert "Symptômes psychotiques avec retentissement sévère" in words
    assert words.count("Niveau 3") == 2
    # what each situation does not read, in the questions' words, not their ids
    assert "réponses non lues" in words and "Décrochage scolaire" in words
    assert "decrochage" not in words
    # without gaja's own questions: what gaja lacks, not a made-up conclusion
    answers = {**PSY, "age": 20}
    out = cli("compare", "psychiatrie", "gaja", *answer_flags(answers)).stdout
    assert "réponses manquantes pour « gaja »" in out and "symptomes_psychotiques" in out
    refused = cli("compare", "psychiatrie", "gaja", "-a", "age=abc")
    assert refused.exit_code == 2 and "réponse invalide pour « age »" in refused.stderr
    unknown = cli("compare", "psychiatrie", "gaja", "-a", "premier_episod=oui")
    assert unknown.exit_code == 2 and "vouliez-vous dire « premier_episode »" in unknown.stderr
    assert cli("compare", "psychiatrie").exit_code == 2
    assert cli("compare", "psychiatrie", "gajaa").exit_code == 2


def test_an_overlap_on_a_situation_the_grid_lacks_is_a_warning(cli, tmp_path):
    grids = copy_grids(tmp_path)
    (grids / "situations" / "gaja.yaml").unlink()
    model = grids / "model.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace("gaja", "psychiatrie"),
                     encoding="utf-8")
    result = cli("grid", "validate", str(grids))
    assert ("psychiatrie.yaml:6:12: avertissement : overlaps : situation « gaja » absente de "
            "ces grilles, ignorée") in result.stdout
    assert result.exit_code == 0, result.stdout
