"""Clinical precision (default-grid.md, « What each reason calls for »; territory-format.md,
rules 1–7): what a GP reads at the end, and the proofs that guard the grid's new facts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, TODAY, answer_flags, as_json, copy_grids, edit_between

from gradation.core.decision import decide
from gradation.core.proofs import check_situation
from gradation.errors import LoadError
from gradation.files.grids import load_grid
from gradation.files.territories import load_territory

PRECISION = str(ROOT / "tests" / "cases" / "territoire-precision.yaml")
BASE = {"age": 30, "commune": "99001", "risque_suicidaire": "aucun", "danger_autrui": "non",
        "agitation": "non", "confusion": "non", "intoxication_aigue": "non",
        "tentative_recente": "non", "mise_en_danger": "non", "enfant_en_danger": "non",
        "retentissement": "leger", "echec_soins_anterieurs": "aucun"}
ANXIO = {**BASE, "phq9": 5, "gad7": 5, "retentissement_travail": "non",
         "doute_diagnostique": "non"}
PSY = {**BASE, "premier_episode": "non", "decompensation": "non", "rupture_de_soins": "non"}


def orient(cli, situation, answers, *extra):  # type: ignore[no-untyped-def]
    return cli("orient", "-s", situation, "-t", PRECISION, *answer_flags(answers), *extra)


@pytest.fixture(scope="module")
def precision(grid):  # type: ignore[no-untyped-def]
    return load_territory(Path(PRECISION), grid, TODAY)


# --- The contract's new keys ---------------------------------------------------------------------


def test_json_carries_delay_fallback_and_because(cli):
    data = as_json(orient(cli, "psychiatrie", {**PSY, "commune": "99002",
                                                "rupture_de_soins": "oui"}, "-f", "json").stdout)
    assert data["delay"] == "rapide" and data["delay_label"] == "Avis rapide — dans la semaine"
    assert [r["id"] for r in data["resources"]] == ["psychiatre"]
    assert data["resources"][0]["because"] == ["rupture-de-soins"]
    # a psychiatric reason that no one answers in time: the emergency department and the
    # crisis centre, because of that rule
    assert [r["id"] for r in data["fallback"]] == ["urgences", "crise"]
    assert data["fallback"][0]["because"] == ["rupture-de-soins"]
    assert [n["number"] for n in data["numbers"]] == ["15"]
    assert any("dans la semaine" in w for w in data["warnings"])


def test_because_names_every_rule_that_called_the_kind_and_none_at_level_one(cli):
    answers = {**PSY, "premier_episode": "oui", "retentissement": "modere"}
    data = as_json(orient(cli, "psychiatrie", answers, "-f", "json").stdout)
    by_id = {r["id"]: r["because"] for r in data["resources"]}
    assert by_id["psychiatre"] == ["premier-episode", "retentissement-modere"]
    assert by_id["equipe-mobile"] == []  # placed by hand (`level`), not by a reason
    data = as_json(orient(cli, "psychiatrie", PSY, "-f", "json").stdout)
    assert data["level"] == "1" and all(r["because"] == [] for r in data["resources"])


def test_alongside_from_a_lower_reason_says_which(cli):
    answers = {**ANXIO, "phq9": 22, "retentissement_travail": "oui"}
    data = as_json(orient(cli, "anxio-depression", answers, "-f", "json").stdout)
    by_id = {r["id"]: r["because"] for r in data["alongside"]}
    assert by_id["spst"] == ["retentissement-travail"] and by_id["mg-a"] == []


def test_no_fallback_when_someone_can_see_the_patient_within_the_week(cli):
    data = as_json(orient(cli, "psychiatrie", {**PSY, "premier_episode": "oui"},
                          "-f", "json").stdout)
    assert data["delay"] == "rapide" and data["fallback"] == [] and data["numbers"] == []
    assert not any("dans la semaine" in w for w in data["warnings"])


# --- Warnings ------------------------------------------------------------------------------------


def test_mon_soutien_psy_warning_only_with_a_listed_participant_and_a_suicide_risk(
        grid, precision):
    anxio = grid.situations["anxio-depression"]
    as_bool = {"non": False, "oui": True}
    answers = {k: as_bool.get(v, v) for k, v in ANXIO.items()}

    def warned(**changes):  # type: ignore[no-untyped-def]
        result = decide(grid, anxio, {**answers, **changes}, precision, TODAY)
        return any("Mon soutien psy" in w for w in result.warnings)

    assert warned(risque_suicidaire="faible")  # psy-msp (mon_soutien_psy: true) is listed
    assert not warned()  # no suicide risk
    # a child of 2: the psychologist (3 and over) is not listed, so no warning
    enfant = grid.situations["enfant-apprentissages"]
    child = {**answers, "age": 2, "risque_suicidaire": "faible", "enfant_en_danger": False,
             "maltraitance_suspectee": False, "suspicion_tnd": False,
             "troubles_psychiques_associes": False}
    for key in ("phq9", "gad7", "retentissement_travail", "doute_diagnostique"):
        child.pop(key)
    result = decide(grid, enfant, child, precision, TODAY)
    assert "psy-msp" not in [r.id for r in result.resources]
    assert not any("Mon soutien psy" in w for w in result.warnings)
    # from 6 the suicide risk is asked (below, it is not, and the answer is ignored)
    result = decide(grid, enfant, {**child, "age": 3}, precision, TODAY)
    assert not any("Mon soutien psy" in w for w in result.warnings)
    assert "risque_suicidaire" in result.ignored
    # at 6 the risk takes the child to level 3: a Mon soutien psy psychologist is never the
    # one to wait with (rule 4), so none is listed and no warning is needed
    result = decide(grid, enfant, {**child, "age": 6}, precision, TODAY)
    listed = [r.id for r in [*result.resources, *result.bridge, *result.alongside]]
    assert result.level == "3" and result.bridge and "psy-msp" not in listed


def test_the_grid_kind_is_psychologue_without_mon_soutien_psy(grid):
    assert grid.kind_label("psychologue") == "Psychologue"


def test_maltreatment_suspected_for_a_child_of_an_adult_patient_is_honoured(cli):
    data = as_json(orient(cli, "anxio-depression", {**ANXIO, "maltraitance_suspectee": "oui"},
                          "-f", "json").stdout)
    assert data["level"] == "1" and data["ignored"] == []
    numbers = {n["number"]: n for n in data["numbers"]}
    assert list(numbers) == ["119"]
    assert "information préoccupante" in numbers["119"]["note"] and "CRIP" in numbers["119"][
        "note"]
    # asked at any age now (a child of the household): no « not asked on this path » warning
    assert not any("maltraitance_suspectee" in w for w in data["warnings"])


def test_tobacco_number_is_shown_with_its_spaces_and_dialled_without(cli):
    answers = {**BASE, "produit": "tabac", "dependance": "oui", "retentissement_travail": "non"}
    data = as_json(orient(cli, "addictions", answers, "-f", "json").stdout)
    assert data["level"] == "1"
    assert data["numbers"][0]["number"] == "3989" and data["numbers"][0]["display"] == "39 89"
    # « aucun critère » only when no rule holds: here the level-1 rule says why
    assert [r["rule"] for r in data["reasons"]] == ["dependance-tabac"]
    assert data["reasons"][0]["source"] == "HAS 2014, arrêt de la consommation de tabac"


# --- What the GP reads ---------------------------------------------------------------------------


def test_terminal_shows_the_delay_the_motive_and_the_fallback_block(cli):
    answers = {**BASE, "age": 16, "commune": "99002", "enfant_en_danger": "non",
               "maltraitance_suspectee": "non", "decrochage": "non",
               "conduites_a_risque": "non", "symptomes_psychotiques": "oui"}
    out = orient(cli, "gaja", answers).stdout
    assert "Avis rapide — dans la semaine" in out
    assert "Psychiatre libéral (extension)" in out
    assert "Pour : Symptômes psychotiques" in out
    block = out.split("Si aucun avis n'est possible dans la semaine")[1]
    assert "\n  Appelez le 15, ou orientez" in block and "Urgences" in block.split("À noter")[0]


def test_markdown_result_has_the_same_sections(cli):
    answers = {**PSY, "commune": "99002", "rupture_de_soins": "oui"}
    out = orient(cli, "psychiatrie", answers, "-f", "markdown").stdout
    out = out.replace("\u00a0", " ").replace("\u202f", " ")  # French no-break spaces
    assert "Délai : Avis rapide — dans la semaine" in out
    assert "## Si aucun avis n'est possible dans la semaine" in out
    assert "  - Pour : Rupture de soins" in out


def test_a_22_year_old_with_psychotic_symptoms_gets_adult_care_in_the_demo(cli):
    answers = {**BASE, "age": 22, "retentissement": "modere", "decrochage": "non",
               "conduites_a_risque": "non", "symptomes_psychotiques": "oui"}
    data = as_json(cli("orient", "-s", "gaja", *answer_flags(answers), "-f", "json").stdout)
    kinds = {r["kind"] for r in data["resources"]}
    assert data["level"] == "2" and data["delay"] == "rapide"
    assert {"cmp", "psychiatre"} <= kinds and "cmpi" not in kinds


# --- Proofs: each new fact guarded, each broken variant caught ----------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_called_kind_must_exist_in_the_catalogue(tmp_path):
    grids = copy_grids(tmp_path)
    edit(grids / "situations" / "gaja.yaml", "calls: [mda]", "calls: [mdaa]")
    with pytest.raises(LoadError) as caught:
        load_grid(grids)
    assert "gaja.yaml:" in caught.value.message
    assert "type « mdaa » inconnu du catalogue — vouliez-vous dire « mda » ?" in (
        caught.value.message)


def test_a_called_kind_outside_its_cell_must_be_marked_extension(tmp_path):
    grids = copy_grids(tmp_path)
    edit(grids / "situations" / "gaja.yaml", "extension: [cmp, psychiatre, psychiatrie-perinatale]",
         "extension: [cmp, psychiatrie-perinatale]")
    with pytest.raises(LoadError) as caught:
        load_grid(grids)
    assert "type « psychiatre » absent du niveau 2 de la situation ; ajoutez-le à " \
           "levels.2.extension" in caught.value.message


def test_a_rule_that_calls_nothing_is_caught_with_a_counterexample(tmp_path):
    grids = copy_grids(tmp_path)
    edit(grids / "situations" / "gaja.yaml", "calls: [mda]", "calls: []")
    grid = load_grid(grids)
    findings = check_situation(grid, grid.situations["gaja"])
    kinds = [f for f in findings if f.check == "kinds"]
    assert kinds and kinds[0].answers["conduites_a_risque"] is True
    assert kinds[0].answers["decrochage"] is False


def test_a_rapid_path_without_a_fallback_kind_is_caught(tmp_path):
    grids = copy_grids(tmp_path)
    edit(grids / "model.yaml", "    - kind: urgences\n",
         "    - kind: urgences\n      when: \"risque_suicidaire >= moyen\"\n")
    edit(grids / "model.yaml", "      psy_only: true\n",
         "      psy_only: true\n      when: \"risque_suicidaire >= moyen\"\n")
    grid = load_grid(grids)
    findings = check_situation(grid, grid.situations["psychiatrie"])
    fallback = [f for f in findings if f.check == "fallback"]
    assert fallback and fallback[0].answers["risque_suicidaire"] in ("aucun", "faible")


def test_a_reason_that_slows_the_delay_when_answers_worsen_is_caught(tmp_path):
    grids = copy_grids(tmp_path)
    # a relapse with a severe impact made « programme »: worsening the impact slows the delay
    path = grids / "situations" / "psychiatrie.yaml"
    block = ("id: decompensation-severe", "id: premier-episode-severe")
    edit_between(path, *block, "delay: sous-72h", "delay: programme")
    edit_between(path, *block, "when: \"decompensation and retentissement = severe\"",
                 "when: \"retentissement = severe\"")
    edit(path, "  - id: decompensation\n    level: 2\n    when: \"decompensation\"",
         "  - id: decompensation\n    level: 2\n    when: \"decompensation and "
         "retentissement != severe\"")
    grid = load_grid(grids)
    findings = check_situation(grid, grid.situations["psychiatrie"])
    assert any(f.check == "monotone" and "ralentit le délai de rapide à programme" in f.message
               for f in findings), findings
