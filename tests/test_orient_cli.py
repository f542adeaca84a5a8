"""`gradation orient` as the scripting contract describes it."""

from __future__ import annotations

import json
import shutil

from conftest import ADULT, ROOT, answer_flags, as_json, write

from gradation.files.locate import default_grids_dir

TERRITORY = str(ROOT / "tests" / "cases" / "territoire.yaml")
PSY = {**ADULT, "premier_episode": "oui", "decompensation": "non", "rupture_de_soins": "non"}


def orient(cli, situation, answers, *extra):  # type: ignore[no-untyped-def]
    return cli("orient", "-s", situation, "-t", TERRITORY, *answer_flags(answers), *extra)


def test_json_holds_exactly_the_contract_object(cli):
    result = orient(cli, "psychiatrie", PSY, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = as_json(result.stdout)
    assert {"situation", "level", "reasons", "resources", "bridge", "alongside", "numbers",
            "unanswered", "ignored", "warnings", "grid"} <= set(data)
    assert data["situation"] == "psychiatrie" and data["level"] == "2"
    assert data["delay"] == "rapide" and [r["id"] for r in data["fallback"]] == ["urgences"]
    # the called kinds first (sort key a), the team placed by hand after them
    assert [r["id"] for r in data["resources"]] == ["psychiatre-x", "cmp-ab", "dsp"]
    # `because`: the rules that called the kind; none for a resource placed by hand; in the
    # fallback, the rules that no one answers in time
    assert [r["because"] for r in data["resources"]] == [["premier-episode"],
                                                         ["premier-episode"], []]
    assert data["fallback"][0]["because"] == ["premier-episode"]
    first = data["reasons"][0]
    assert first["rule"] == "premier-episode" and first["text"]
    # two references: the criterion's source, the seed cell its resources come from
    assert first["source"].startswith("HAS 2018")
    assert first["cell"] == "CMGF 2022, table des situations (d'après CMG 2019)"
    assert "advice" not in first  # only where the rule has one
    cmp = data["resources"][1]
    assert cmp["serves"] == ["99001", "99002"] and cmp["wait_weeks"] == 12
    assert data["grid"]["territory"] == "tests" and data["grid"]["version"]
    assert result.stderr == ""


def test_unknown_wait_is_null_in_json(cli):
    answers = {**ADULT, "phq9": 5, "gad7": 5, "retentissement_travail": "oui",
               "doute_diagnostique": "non"}
    data = as_json(orient(cli, "anxio-depression", answers, "-f", "json").stdout)
    assert data["resources"][0]["id"] == "spst" and data["resources"][0]["wait_weeks"] is None


def test_level_one_reason_and_default_demo_territory(cli):
    result = cli("orient", "-s", "psychiatrie", *answer_flags(
        {**PSY, "premier_episode": "non", "retentissement": "aucun"}), "-f", "json")
    data = as_json(result.stdout)
    assert data["level"] == "1"
    assert data["reasons"][0]["text"] == "Aucun critère de recours spécialisé"
    assert data["grid"]["territory"] == "demo"


def test_answers_file_yaml_with_merge_keys_and_flag_override(cli, tmp_path):
    path = write(tmp_path / "r.yaml", """
        base: &b {age: 30}
        <<: *b
        commune: "99002"
        risque_suicidaire: aucun
        danger_autrui: non
        agitation: non
        confusion: non
        intoxication_aigue: non
        tentative_recente: non
        mise_en_danger: non
        enfant_en_danger: non
        retentissement: leger
        echec_soins_anterieurs: aucun
        premier_episode: non
        decompensation: non
        rupture_de_soins: non
        """)
    # `base` holds a mapping, not a scalar: the file's shape is refused.
    result = cli("orient", "-s", "psychiatrie", "-t", TERRITORY, "--answers", str(path))
    assert result.exit_code == 2 and "valeur simple" in result.stderr
    text = path.read_text(encoding="utf-8").replace("base: &b {age: 30}\n<<: *b\n", "<<: {age: 30}\n")
    path.write_text(text, encoding="utf-8")
    result = cli("orient", "-s", "psychiatrie", "-t", TERRITORY, "--answers", str(path),
                 "-a", "premier_episode=oui", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = as_json(result.stdout)
    assert data["level"] == "2" and data["answers"]["age"] == 30


def test_answers_json_file_and_stdin(cli, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({**PSY, "age": "30"}), encoding="utf-8")
    assert as_json(orient(cli, "psychiatrie", {}, "--answers", str(path), "-f", "json").stdout)[
        "level"] == "2"
    result = cli("orient", "-s", "psychiatrie", "-t", TERRITORY, "--answers", "-", "-f", "json",
                 input=json.dumps(PSY))
    assert as_json(result.stdout)["level"] == "2"


def test_answers_file_of_the_wrong_shape_exits_2(cli, tmp_path):
    for name, text in (("l.yaml", "- age\n"), ("n.yaml", "age: {x: 1}\n"), ("b.json", "{")):
        path = write(tmp_path / name, text)
        result = orient(cli, "psychiatrie", {}, "--answers", str(path))
        assert result.exit_code == 2, name
        assert result.stdout == ""


def test_missing_answers_are_all_named_without_a_terminal(cli):
    result = cli("orient", "-s", "psychiatrie", "-t", TERRITORY, "-a", "age=30")
    assert result.exit_code == 2
    assert result.stdout == ""
    for qid in ("risque_suicidaire", "tentative_recente", "mise_en_danger", "danger_autrui",
                "agitation", "confusion", "intoxication_aigue", "enfant_en_danger",
                "retentissement", "echec_soins_anterieurs", "premier_episode", "decompensation",
                "rupture_de_soins"):
        assert qid in result.stderr
    # optional from 18 (a child of the household): never required of an adult
    assert "maltraitance_suspectee" not in result.stderr
    assert "Un enfant du foyer en danger immédiat" in result.stderr  # worded by age
    assert "Traceback" not in result.stderr


def test_bad_values_name_the_question_and_what_it_accepts(cli):
    cases = {
        "age=abc": "un nombre entier de 0 à 120",
        "decompensation=peut-etre": "oui ou non",
        "retentissement=fort": "l'une des valeurs aucun, leger, modere, severe",
        "commune=1001": "code INSEE",
        "retentisement=modere": "vouliez-vous dire « retentissement »",
        "age": "CLÉ=VALEUR",
    }
    for flag, expected in cases.items():
        result = orient(cli, "psychiatrie", PSY, "-a", flag)
        assert result.exit_code == 2, flag
        assert expected in result.stderr, (flag, result.stderr)
        assert result.stdout == ""


def test_age_outside_the_situation_names_the_situations_that_fit(cli):
    result = orient(cli, "enfant-apprentissages", {**ADULT, "suspicion_tnd": "non",
                                                   "troubles_psychiques_associes": "non"})
    assert result.exit_code == 2
    assert "de 0 à 15 ans" in result.stderr
    for sid in ("anxio-depression", "addictions", "psychiatrie"):
        assert sid in result.stderr
    assert "gaja" not in result.stderr  # 15–25 ans


def test_unknown_situation_and_territory(cli):
    result = cli("orient", "-s", "psychiatri", "-a", "age=30")
    assert result.exit_code == 2 and "vouliez-vous dire « psychiatrie »" in result.stderr
    result = cli("orient", "-s", "psychiatrie", "-t", "dem")
    assert result.exit_code == 2 and "« demo »" in result.stderr
    result = cli("orient", "-s", "psychiatrie", "-t", "absent.yaml")
    assert result.exit_code == 2 and "introuvable" in result.stderr


def test_situation_required_without_a_terminal(cli):
    result = cli("orient", "-a", "age=30")
    assert result.exit_code == 2 and "--situation" in result.stderr


def test_warnings_sector_commune_and_freshness(cli, tmp_path):
    data = as_json(orient(cli, "psychiatrie", {**PSY, "commune": None}, "-f", "json").stdout)
    assert any(w.startswith("Secteur non vérifié") for w in data["warnings"])
    data = as_json(orient(cli, "psychiatrie", {**PSY, "commune": "99009"}, "-f", "json").stdout)
    assert any("hors du territoire" in w for w in data["warnings"])
    assert not any(w.startswith("Secteur") for w in data["warnings"])
    old = write(tmp_path / "old.yaml", """
        territory: {id: old, name: "Ancien"}
        resources:
          - {id: psy, name: "Dr Psy", kind: psychiatre, verified_on: 2020-03-01}
        """)
    result = cli("orient", "-s", "psychiatrie", "-t", str(old), *answer_flags(PSY), "-f", "json")
    data = as_json(result.stdout)
    assert any("Dr Psy" in w and "plus d'un an" in w and "01/03/2020" in w
               for w in data["warnings"])


def test_suicide_risk_shows_3114(cli):
    data = as_json(orient(cli, "psychiatrie", {**PSY, "risque_suicidaire": "faible"},
                          "-f", "json").stdout)
    # no one called can see the patient within a week (the DSP is placed by hand): the 15 too
    assert [n["number"] for n in data["numbers"]] == ["15", "3114"]


def test_child_in_danger_gives_119_and_the_child_protection_route(cli):
    answers = {**ADULT, "age": 9, "enfant_en_danger": "oui"}
    data = as_json(orient(cli, "enfant-apprentissages", answers, "-f", "json").stdout)
    assert data["level"] == "urgence"
    numbers = {n["number"]: n for n in data["numbers"]}
    assert list(numbers) == ["15", "112", "114", "17", "119"]
    assert "CRIP" in numbers["119"]["note"] and "procureur" in numbers["119"]["note"]


def test_unanswered_score_that_could_raise_the_level_is_named(cli):
    answers = {**ADULT, "phq9": None, "gad7": 3, "retentissement_travail": "non",
               "doute_diagnostique": "non"}
    data = as_json(orient(cli, "anxio-depression", answers, "-f", "json").stdout)
    assert data["unanswered"] == ["perinatalite", "suivi_psychiatrique", "tentative_evaluee",
                                  "maltraitance_suspectee", "phq9"]
    # an attempt already treated or a PHQ-9 of 20 would take the patient to level 3
    assert data["could_raise"] == ["tentative_evaluee", "phq9"]
    result = orient(cli, "anxio-depression", answers)
    assert "pourrait relever le niveau" in result.stdout and "PHQ-9" in result.stdout


def test_text_format_shows_level_reasons_resources_and_bridge(cli):
    answers = {**ADULT, "produit": "alcool", "audit": 10, "sevrage_complique": "oui",
               "dependance": "non", "retentissement_travail": "non"}
    result = orient(cli, "addictions", answers)
    assert result.exit_code == 0
    out = result.stdout
    assert "Niveau 3 — recours renforcé" in out and "sevrage compliqué" in out
    assert "Unité de sevrage" in out and "Centre de cure" not in out  # only what the reason calls
    assert "En attendant (délai d'attente de 6 semaines)" in out
    assert "\x1b[" not in out  # no colour codes when the output is not a terminal
    assert max(len(line) for line in out.splitlines()) <= 80


def test_markdown_output_file(cli, tmp_path):
    target = tmp_path / "resultat.md"
    result = orient(cli, "psychiatrie", PSY, "-f", "markdown", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    text = target.read_text(encoding="utf-8").replace("\u00a0", " ")
    assert text.startswith("# Orientation : Niveau 2 — recours spécialisé") and "Soins partagés" in text


def test_a_broken_grid_exits_3(cli, tmp_path):
    grids = tmp_path / "grids"
    shutil.copytree(default_grids_dir(), grids)
    path = grids / "situations" / "psychiatrie.yaml"
    path.write_text(path.read_text("utf-8").replace('when: "premier_episode"',
                                                    'when: "premier_episod"'), "utf-8")
    result = cli("orient", "--grids", str(grids), "-s", "psychiatrie", *answer_flags(PSY))
    assert result.exit_code == 3 and result.stdout == ""
    assert "psychiatrie.yaml:" in result.stderr
    assert "question « premier_episod » inconnue — vouliez-vous dire « premier_episode » ?" in (
        result.stderr)


def test_version(cli):
    from gradation import __version__

    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"gradation {__version__}"
