"""Clinical revision 3 (default-grid.md of 2026-12-01): what the GP and the patient read, the
refusal route by age, the child-focused urgence, the context screen, and the safety of a refused
answer next to a red flag. The thresholds themselves are cases (tests/cases/revision3.yaml)."""

from __future__ import annotations

from conftest import ADULT, ROOT, TODAY, answer_flags, as_json

from gradation.consult.interview import context_answers, context_boxes
from gradation.core.decision import decide

TERRITORY = str(ROOT / "tests" / "cases" / "territoire-revision3.yaml")
CONTEXT = {"perinatalite": "aucun", "suivi_psychiatrique": "non", "tentative_evaluee": "non",
           "maltraitance_suspectee": "non"}
PSY = {**ADULT, **CONTEXT, "premier_episode": "non", "decompensation": "non",
       "rupture_de_soins": "non"}
SEED = "CMGF 2022, table des situations (d'après CMG 2019)"


def orient(cli, situation, answers, *extra):  # type: ignore[no-untyped-def]
    return cli("orient", "-s", situation, "-t", TERRITORY, *answer_flags(answers), *extra)


def test_every_reason_shows_its_criterion_and_its_seed_cell(cli):
    data = as_json(orient(cli, "psychiatrie", {**PSY, "commune": "99001",
                                               "decompensation": "oui",
                                               "retentissement": "severe"}, "-f", "json").stdout)
    reasons = {r["rule"]: r for r in data["reasons"]}
    # the 72-hour evaluation calls the CMP and the crisis centre: not the seed's CHS cell alone
    assert reasons["decompensation-severe"]["cell"] == "extension"
    assert reasons["decompensation-severe"]["source"].startswith("HAS 2018")
    # psychiatre and CMP: the seed's level-2 cell of psychiatrie
    assert reasons["decompensation"]["cell"] == SEED
    # « CMGF 2022 » is a cell, never a criterion's source
    assert not any(r["source"].startswith("CMGF") for r in data["reasons"])
    text = orient(cli, "psychiatrie", {**PSY, "commune": "99001", "decompensation": "oui",
                                       "retentissement": "severe"}).stdout
    assert f"case : {SEED}" in " ".join(text.split())


def test_an_adult_guide_is_not_a_minors_criterion(cli):
    answers = {**PSY, "age": 17, "commune": "99001", "decompensation": "oui"}
    data = as_json(orient(cli, "psychiatrie", answers, "-f", "json").stdout)
    relapse = next(r for r in data["reasons"] if r["rule"] == "decompensation")
    assert relapse["source"] == "critère de la grille (HAS 2018 concerne l'adulte)"
    adult = as_json(orient(cli, "psychiatrie", {**answers, "age": 18}, "-f", "json").stdout)
    assert next(r for r in adult["reasons"]
                if r["rule"] == "decompensation")["source"].startswith("HAS 2018")


def test_the_refusal_route_depends_on_the_age(cli):
    adult = as_json(orient(cli, "psychiatrie", {**PSY, "age": 18, "mise_en_danger": "oui"},
                           "-f", "json").stdout)
    minor = as_json(orient(cli, "psychiatrie", {**PSY, "age": 17, "mise_en_danger": "oui"},
                           "-f", "json").stdout)
    for data in (adult, minor):
        assert data["level"] == "urgence"
        assert [r["id"] for r in data["resources"]] == ["urgences", "crise"]
        assert [r["rule"] for r in data["reasons"]] == ["mise-en-danger"]
    assert "SPDT" in adult["reasons"][0]["text"] and "L.3211-10" not in adult["reasons"][0]["text"]
    assert "L.3211-10" in minor["reasons"][0]["text"] and "SPDT" not in minor["reasons"][0]["text"]
    assert "HAS 2005" in adult["reasons"][0]["source"]
    assert "HAS 2005" not in minor["reasons"][0]["source"]  # it concerns adults only


def test_an_adults_child_in_danger_is_about_the_child(cli):
    data = as_json(orient(cli, "anxio-depression", {
        **ADULT, **CONTEXT, "commune": "99001", "enfant_en_danger": "oui", "phq9": 5,
        "gad7": 5, "retentissement_travail": "non", "doute_diagnostique": "non"},
        "-f", "json").stdout)
    assert data["level"] == "urgence"
    assert data["reasons"][0]["text"].startswith("Un enfant du foyer en danger immédiat : "
                                                 "protéger l'enfant")
    assert {"17", "119"} <= {n["number"] for n in data["numbers"]}
    text = orient(cli, "anxio-depression", {
        **ADULT, **CONTEXT, "commune": "99001", "enfant_en_danger": "oui", "phq9": 5,
        "gad7": 5, "retentissement_travail": "non", "doute_diagnostique": "non"}).stdout
    assert "Ressources — pour l'enfant" in text
    minor = orient(cli, "adolescent", {
        **ADULT, **CONTEXT, "age": 15, "commune": "99001", "enfant_en_danger": "oui",
        "automutilations": "non", "refus_scolaire": "non", "troubles_alimentaires": "non",
        "symptomes_psychotiques": "non"}).stdout
    assert "pour l'enfant" not in minor and "Ressources" in minor  # the patient is the child


def test_at_urgence_only_the_urgence_reasons(cli):
    data = as_json(orient(cli, "psychiatrie", {**PSY, "commune": "99001", "agitation": "oui",
                                               "decompensation": "oui",
                                               "retentissement": "severe"}, "-f", "json").stdout)
    assert [r["rule"] for r in data["reasons"]] == ["agitation"]
    assert data["unanswered"] == []


def test_a_red_flag_wins_over_a_refused_answer_which_is_said(cli):
    result = orient(cli, "psychiatrie", {**PSY, "agitation": "oui", "retentissement": "enorme"},
                    "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = as_json(result.stdout)
    assert data["level"] == "urgence"
    assert any("retentissement" in w and "l'urgence prime" in w for w in data["warnings"])
    # without a red flag, the same answer is refused (exit 2), naming the question
    refused = orient(cli, "psychiatrie", {**PSY, "retentissement": "enorme"})
    assert refused.exit_code == 2 and "retentissement" in refused.stderr


def test_the_age_missing_names_the_suicide_risk_too(cli):
    result = cli("orient", "-s", "psychiatrie", "-t", TERRITORY, "-a", "commune=99001")
    assert result.exit_code == 2
    assert "age" in result.stderr and "risque_suicidaire" in result.stderr


def test_the_context_screen_refuses_pregnancy_and_post_partum_together(grid):
    psy = grid.situations["psychiatrie"]
    questions = [psy.question(q) for q in ("perinatalite", "suivi_psychiatrique")]
    boxes = context_boxes(questions)  # type: ignore[arg-type]
    assert [label for _, _, label in boxes] == [
        "Grossesse en cours", "Accouchement depuis moins d'un an",
        "Actuellement suivi par une équipe de psychiatrie (CMP, CMPI, psychiatre)"]
    assert context_answers(questions, []) == {  # type: ignore[arg-type]
        "perinatalite": "aucun", "suivi_psychiatrique": False}
    assert context_answers(questions, [boxes[1], boxes[2]]) == {  # type: ignore[arg-type]
        "perinatalite": "post_partum", "suivi_psychiatrique": True}
    assert context_answers(questions, boxes[:2]) == ["Grossesse ou post-partum"]  # type: ignore[arg-type]


def test_the_patient_sheet_carries_each_advice_once_and_never_sends_an_appointment_to_the_15(
        cli, tmp_path):
    sheet = tmp_path / "fiche.md"
    answers = {**ADULT, **CONTEXT, "commune": "99001", "produit": "alcool", "audit": 30,
               "sevrage_complique": "oui", "dependance": "oui", "retentissement_travail": "non",
               "risque_suicidaire": "faible"}
    result = orient(cli, "addictions", answers, "-f", "markdown", "-d", "fiche", "-o",
                    str(sheet))
    assert result.exit_code == 0, result.stderr
    text = " ".join(sheet.read_text(encoding="utf-8").split())
    assert text.count("N'arrêtez pas l'alcool d'un coup sans avis médical") == 1
    assert text.count("Votre médecin vous revoit dans quelques jours") == 1
    # a 72-hour evaluation: the patient calls within three days, the GP if no one can
    sheet72 = tmp_path / "fiche72.md"
    result = orient(cli, "psychiatrie", {**PSY, "commune": "99003", "decompensation": "oui",
                                         "retentissement": "severe"},
                    "-f", "markdown", "-d", "fiche", "-o", str(sheet72))
    assert result.exit_code == 0, result.stderr
    text = " ".join(sheet72.read_text(encoding="utf-8").split())
    assert "À faire dans les trois jours" in text
    assert "S'il ne peut pas vous recevoir dans la semaine, appelez le 15" not in text
    assert "rappelez votre médecin ; si ça s'aggrave ou en cas de danger : 15" in text


def test_an_old_urgent_slot_is_said_and_a_future_declaration_is_a_warning(grid, tmp_path):
    from gradation.files.territories import check_territory_file, load_territory

    path = tmp_path / "t.yaml"
    path.write_text(
        "territory: {id: t, name: T, communes: [{insee: '99001', name: A}]}\n"
        "resources:\n"
        "  - {id: cmp, name: CMP, kind: cmp, urgent_days: 2, wait_as_of: 2026-05-01}\n"
        "  - {id: futur, name: Futur, kind: psychiatre, urgent_days: 2, wait_as_of: 2027-01-01}\n",
        encoding="utf-8")
    _, problems = check_territory_file(path, grid, TODAY)
    messages = [p.message for p in problems]
    assert any("resources[0].urgent_days" in m and "plus de six mois" in m for m in messages)
    assert any("resources[1].wait_as_of" in m and "futur" in m for m in messages)
    assert all(not p.is_error for p in problems)
    territory = load_territory(path, grid, TODAY)
    result = decide(grid, grid.situations["psychiatrie"], {
        **{k: v for k, v in PSY.items()}, "commune": "99001", "decompensation": "oui"},
        territory, TODAY)
    assert any("« CMP » : délai urgent déclaré le 01/05/2026" in w for w in result.warnings)
    # the future declaration counts as fresh: the psychiatrist answers the relapse in time
    assert result.fallback == [] and not result.fallback_needed


def test_an_urgent_slot_is_shown_with_its_declaration(cli, tmp_path):
    flat = " ".join(orient(cli, "psychiatrie", {**PSY, "commune": "99001",
                                                "decompensation": "oui"}).stdout.split())
    assert "Place urgente : reçoit en urgence sous 3 jours, sur demande du médecin" in flat
    # a declaration of more than six months (the date of the run: today, after 28/05/2026)
    stale = " ".join(orient(cli, "psychiatrie", {**PSY, "commune": "99005",
                                                 "decompensation": "oui"}).stdout.split())
    assert "(déclaré le 27/05/2026, plus de six mois : à vérifier)" in stale
    letter = tmp_path / "lettre.md"
    assert orient(cli, "psychiatrie", {**PSY, "commune": "99001", "decompensation": "oui"},
                  "-f", "markdown", "-d", "lettre", "-o", str(letter)).exit_code == 0
    text = letter.read_text(encoding="utf-8")
    assert "ni tentative de suicide récente non évaluée" in text  # the new red flags said
    assert "post-partum" not in text  # « neither » is no clinical element


def test_the_safety_net_proof_catches_a_psychiatric_opinion_lost_by_a_worse_answer(tmp_path):
    from conftest import copy_grids, edit_between

    from gradation.core.proofs import check_situation
    from gradation.files.grids import load_grid

    grids = copy_grids(tmp_path)
    # a medium risk sent to the MDA alone: worse than a low risk at 16, which calls the CMP
    edit_between(grids / "situations" / "anxio-depression.yaml",
                 "  - id: suicide-urgence-moyenne", "  - id: suicide-mineur-urgence-faible",
                 "calls: [psychiatre, cmp]", "calls: [mda]")
    grid = load_grid(grids)
    findings = [f for f in check_situation(grid, grid.situations["anxio-depression"])
                if f.check == "filet"]
    assert findings, "the lost psychiatric opinion is not caught"
    assert "suicide-mineur-urgence-faible" in findings[0].message
    assert findings[0].answers["risque_suicidaire"] == "faible"
    assert findings[0].answers["age"] < 18
    # the shipped grids keep the net (tests/test_grid_safety proves them whole)


def test_a_patient_already_followed_is_sent_to_the_team_first(cli, tmp_path):
    sheet = tmp_path / "fiche.md"
    answers = {**PSY, "commune": "99001", "suivi_psychiatrique": "oui", "decompensation": "oui"}
    result = orient(cli, "psychiatrie", answers, "-f", "markdown", "-d", "fiche", "-o",
                    str(sheet))
    assert result.exit_code == 0, result.stderr
    assert "Appelez d'abord votre équipe de suivi en psychiatrie" in sheet.read_text("utf-8")
    data = as_json(orient(cli, "psychiatrie", answers, "-f", "json").stdout)
    assert data["bridge"] == []  # nothing « en attendant »: the team that follows comes first
    text = " ".join(orient(cli, "psychiatrie", answers).stdout.split())
    assert "Si l'équipe qui le suit ne peut pas le voir à temps" not in text  # a slot in 3 days
    late = " ".join(orient(cli, "psychiatrie", {**answers, "commune": "99003"}).stdout.split())
    assert "Si l'équipe qui le suit ne peut pas le voir à temps" in late


def test_a_broken_wording_condition_of_a_common_question_is_said_once(cli, tmp_path):
    from conftest import copy_grids

    grids = copy_grids(tmp_path)
    path = grids / "common.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '- {when: "age >= 18", text: "Un enfant du foyer', '- {when: "ag >= 18", text: "Un enfant '
        'du foyer', 1), encoding="utf-8")
    out = cli("grid", "validate", str(grids)).stdout
    assert out.count("question « ag » inconnue") == 1  # once, not once per situation
    assert "common.yaml:" in out and "enfant_en_danger" in out
