"""Edges of the engine that a mutation run of core/ found unguarded: each test names what a GP
would see go wrong if the rule it checks were broken."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ADULT, TODAY, copy_grids, write

from gradation.core import settle
from gradation.core.answers import AnswerError
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
    if qid == "age":  # a script that leaves it out is refused, the age named
        with pytest.raises(AnswerError, match="- age :"):
            result_for(grid, teen, answers)
    else:  # the commune is optional: left out, it is not « non demandé » but unanswered
        assert "commune" not in result_for(grid, teen, answers).not_asked


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


def _without_red_flag(tmp_path, flag: str = "agitation"):  # type: ignore[no-untyped-def]
    """The shipped grids, copied, whose common.yaml no longer lists this red flag."""
    grids = copy_grids(tmp_path)
    common = grids / "common.yaml"
    text = common.read_text(encoding="utf-8")
    start = text.index(f"  - id: {flag}\n", text.index("red_flags:"))
    end = text.index("  - id:", start + 5)
    common.write_text(text[:start] + text[end:], encoding="utf-8")
    return load_grid(grids)


def test_a_red_flag_the_grid_dropped_still_calls_every_urgence_kind(tmp_path, demo):
    edited = _without_red_flag(tmp_path)
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


# --- What the engine says, word for word ---------------------------------------------------


def test_an_age_outside_the_situation_names_the_situations_that_fit(grid):
    from gradation.core.answers import AnswerError

    with pytest.raises(AnswerError) as refused:
        decide(grid, grid.situations["enfant-apprentissages"], {**PSY, "age": 30})
    assert refused.value.message == (
        "âge 30 ans hors de la situation « enfant-apprentissages » (de 0 à 15 ans) ; situations "
        "qui couvrent cet âge : anxio-depression (Anxio-dépression, troubles somatoformes, "
        "retentissement sur le travail); addictions (Conduites addictives); psychiatrie "
        "(Troubles psychiatriques (psychose, trouble bipolaire …))")
    from gradation.core.decision import age_refusal, age_text

    assert age_text(16, 120) == "16 ans et plus" and age_text(11, 17) == "de 11 à 17 ans"
    nobody = age_refusal(grid, grid.situations["psychiatrie"], 130).message
    assert nobody.endswith("(16 ans et plus) ; aucune situation ne couvre cet âge")


def test_a_level_one_result_without_a_rule_says_the_grids_default_reason(grid):
    result = decide(grid, grid.situations["psychiatrie"], {**PSY, "retentissement": "leger"})
    assert result.level == "1"
    (reason,) = result.reasons
    assert (reason.rule, reason.level, reason.delay, reason.text, reason.source) == (
        "niveau-1", "1", "programme", "Aucun critère de recours spécialisé",
        "critère de la grille")
    assert reason.cell == "CMGF 2022, table des situations (d'après CMG 2019)"


def test_a_grid_without_a_default_reason_gets_gradations(grid):
    from gradation.core.decision import LEVEL_ONE_REASON

    model = grid.model.model_copy(update={
        "level_one_reasons": [r for r in grid.model.level_one_reasons if r.when is not None],
        "level_one_reason": None})
    bare = dataclasses.replace(grid, model=model)
    result = decide(bare, bare.situations["psychiatrie"], {**PSY, "retentissement": "leger"})
    assert [(r.rule, r.text, r.source) for r in result.reasons] == [
        ("niveau-1", LEVEL_ONE_REASON, "")]


def test_a_condition_naming_what_an_adapted_grid_lacks_never_holds(grid):
    from gradation.core.conditions import Compare, ConditionError, holds, parse

    questions = grid.all_questions
    absent: list[str] = []
    bare = parse("perdue", questions, absent)
    compared = parse("perdue >= 3", questions, absent)
    value = parse("risque_suicidaire = inconnu", questions, absent)
    assert absent == ["question « perdue »", "question « perdue »",
                      "valeur « inconnu » de « risque_suicidaire »"]
    assert bare == Compare("perdue", "=", True) and compared == Compare("perdue", ">=", "3")
    assert not holds(value, {"risque_suicidaire": "eleve"})
    with pytest.raises(ConditionError) as refused:
        parse("risque_suicidair = eleve", questions)
    assert refused.value.message == ("question « risque_suicidair » inconnue — vouliez-vous "
                                     "dire « risque_suicidaire » ?")
    assert refused.value.offset == 0
    with pytest.raises(ConditionError) as late:
        parse("agitation and perdue", questions)
    assert late.value.offset == len("agitation and ")


def test_an_unordered_or_unknown_choice_is_refused_where_it_stands(grid):
    from gradation.core.conditions import ConditionError, parse

    with pytest.raises(ConditionError) as unordered:
        parse("perinatalite >= grossesse", grid.all_questions)
    assert unordered.value.message == "« perinatalite » n'est pas ordonnée : utilisez = ou !="
    with pytest.raises(ConditionError) as unknown:
        parse("retentissement = sevre", grid.all_questions)
    assert unknown.value.message == (
        "« sevre » n'est pas une valeur de « retentissement » (valeurs : aucun, leger, modere, "
        "severe) — vouliez-vous dire « severe » ?")
    assert unknown.value.offset == len("retentissement = ")


def test_user_text_in_a_message_shows_its_control_characters():
    from gradation.core.text import visible, visible_lines

    assert visible("a\x1b[31mb\u200bc d") == "a\\u001b[31mb\\u200bc d"
    assert visible("x" * 81) == "x" * 80 + "…" and visible("x" * 80) == "x" * 80
    assert visible("x" * 100, None) == "x" * 100
    assert visible("a\u00a0b") == "a\\u00a0b"  # a no-break space is not a plain one
    assert visible_lines("un\n\x07deux") == "un\n\\u0007deux"


def test_a_typo_gets_the_nearest_name_and_only_a_near_one():
    from gradation.core.suggest import closest, distance, suggest

    assert distance("psychatrie", "psychiatrie") == 1
    assert distance("cmp", "cpm") == 1 and distance("abc", "abc") == 0
    assert distance("", "abc") == 3 and distance("kitten", "sitting") == 3
    assert closest("psychatrie", ["gaja", "psychiatrie"]) == "psychiatrie"
    assert closest("Gaja", ["gaja"]) == "gaja"
    assert closest("zzz", ["gaja", "psychiatrie"]) is None
    assert closest("abcdef", ["abcxyz"]) is None  # 3 edits for 6 letters: not a typo
    assert closest("abcdef", ["abcdxy"]) == "abcdxy"  # 2 edits: one
    assert closest("cmpp", ["cmp", "cmpi"]) == "cmpi"  # equal distance: the closer length
    assert closest("cmpx", ["cmpb", "cmpa"]) == "cmpa"  # then the first in order
    assert suggest("gaj", ["gaja"]) == " — vouliez-vous dire « gaja » ?"
    assert suggest("zzz", ["gaja"]) == ""


def test_labels_and_kinds_as_a_gp_reads_them(grid):
    psy = grid.situations["psychiatrie"]
    assert psy.kinds("urgence", grid) == list(grid.model.urgence_kinds)
    # psychiatrie.yaml: level 2 calls the psychiatrist and the CMP, CMPI and MDA as extensions
    assert psy.kinds("2", grid) == ["psychiatre", "cmp", "cmpi", "mda"]
    assert psy.kinds("9", grid) == []
    assert grid.level_name("3") == "niveau 3" and grid.level_label("3").startswith("Niveau 3")
    assert grid.level_name("inconnu") == "inconnu" and grid.level_label("x") == "x"
    assert grid.kind_label("cmp") == "Centre médico-psychologique (adultes)"
    assert grid.kind_label("inconnu") == "inconnu"
    assert grid.delay_label("rapide") == "Avis rapide — dans la semaine"
    assert grid.delay_label("x") == "x"


def test_a_letter_sentence_comes_from_the_grids_says(grid):
    psy = grid.situations["psychiatrie"]
    flag = psy.question("agitation")
    assert flag.statement(True) == "Agitation sévère ou état délirant aigu."
    assert flag.statement(None) is None
    phq9 = grid.situations["anxio-depression"].question("phq9")
    assert phq9.statement(22) == "PHQ-9 : 22/27."
    impact = psy.question("retentissement")
    assert impact.statement("severe") == impact.says.get("severe")
    assert impact.statement("inconnu") is None


def test_what_a_question_accepts_in_french(grid):
    from gradation.core.answers import accepted

    psy = grid.situations["psychiatrie"]
    assert accepted(psy.question("agitation")) == "oui ou non"
    assert accepted(psy.question("retentissement")) == (
        "l'une des valeurs aucun, leger, modere, severe")
    assert accepted(psy.question("age")) == "un nombre entier de 0 à 120"
    assert accepted(psy.question("commune")) == (
        'un code INSEE de 5 caractères entre guillemets (par exemple "99001")')


def test_how_long_a_record_went_unverified_in_words():
    from gradation.core.facts import stale_text

    assert stale_text(365) == "plus d'un an"
    assert stale_text(730) == "plus de 2 ans"
    assert stale_text(180) == "plus de 180 jours"
    assert stale_text(366) == "plus de 366 jours"


def test_the_seed_rows_and_the_lines_of_the_organisation(grid):
    assert grid.level_seed_label("3") == (
        "Niveau 3 — 3e ligne du tableau CMG (ressources territoriales)")
    assert grid.level_seed_label("1") == "Niveau 1 — 1re ligne du tableau CMG (proximité)"
    assert grid.level_seed_label("urgence") == grid.level_label("urgence")  # no seed row
    assert grid.line_of("medecin-generaliste") == 1 and grid.line_of("psychiatre") == 2
    assert grid.line_of("pmi") == 1  # placed by the grid, not by the seed
    assert grid.line_of("inconnu") is None
    assert grid.line_name(1) == "1re ligne" and grid.line_name(2) == "2e ligne"
    assert grid.line_name(9) == "9"
    psy = grid.situations["psychiatrie"]
    assert psy.in_seed_cell("2", "psychiatre") and not psy.in_seed_cell("2", "cmpi")
    assert not psy.in_seed_cell("urgence", "urgences") and not psy.in_seed_cell("9", "cmp")
    assert psy.is_extension("2", "cmpi") and not psy.is_extension("2", "cmp")
    assert grid.situations["adolescent"].is_extension("2", "cmpi")  # a whole extension


def test_a_commune_is_named_from_the_territory(demo):
    assert demo.commune_name("99003") == "Boisjoli" and demo.commune_name("00000") is None


def test_two_texts_share_their_head_and_tail():
    from gradation.core.text import shared_ends

    assert shared_ends(["a", "b", "c"], ["a", "x", "c"]) == (1, 1)
    assert shared_ends(["a", "b"], ["a", "b", "c"]) == (2, 0)
    assert shared_ends(["a", "a"], ["a", "a", "a"]) == (2, 0)  # a line counted once
    assert shared_ends(["x", "b"], ["y", "b"]) == (0, 1)
    assert shared_ends([], ["a"]) == (0, 0)


def test_six_calendar_months_and_the_speed_thresholds():
    import datetime as dt

    from gradation.core.schema import Resource
    from gradation.core.schema_territory import add_months

    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)

    def res(**fields):  # type: ignore[no-untyped-def]
        return Resource.model_validate({"id": "r", "name": "R", "kind": "cmp", **fields})

    day = dt.date(2026, 12, 2)
    assert res(urgent_days=3).is_fast("sous-72h", day) and not res(urgent_days=4).is_fast(
        "sous-72h", day)
    assert res(urgent_days=7).is_fast("rapide", day) and not res(urgent_days=8).is_fast(
        "rapide", day)
    assert res(wait_weeks=1).is_fast("rapide", day) and not res(wait_weeks=2).is_fast(
        "rapide", day)
    assert not res(wait_weeks=1).is_fast("sous-72h", day)
    assert not res(urgent_days=0).is_fast("programme", day)
    declared = dt.date(2026, 6, 2)  # six months before: still counts; a day later, no more
    assert res(urgent_days=2, wait_as_of=declared).is_fast("rapide", day)
    assert not res(urgent_days=2, wait_as_of=declared).is_fast("rapide", dt.date(2026, 12, 3))


def _territory(tmp_path, grid, resources: str):  # type: ignore[no-untyped-def]
    path = write(tmp_path / "t.yaml", """
        territory: {id: t, name: "T", communes: [{insee: "99001", name: "A"},
                                                   {insee: "99002", name: "B"}]}
        resources:
        """ + resources)
    return load_territory(path, grid, TODAY)


MISSING = "Pas de Psychiatre libéral pour ce patient dans le territoire"


@pytest.mark.parametrize(("resource", "missing"), [
    ("{id: p, name: P, kind: psychiatre}", False),
    ("{id: p, name: P, kind: psychiatre, situations: [psychiatrie], level: 2}", False),
    ("{id: p, name: P, kind: psychiatre, situations: [addictions]}", True),
    ('{id: p, name: P, kind: psychiatre, serves: ["99002"]}', True),
    ("{id: p, name: P, kind: psychiatre, age: {min: 40}}", True),
    ("{id: p, name: P, kind: cmp}", True),
])
def test_a_kind_called_and_absent_for_this_patient_is_said(grid, tmp_path, resource, missing):
    territory = _territory(tmp_path, grid, f"  - {resource}\n")
    result = decide(grid, grid.situations["psychiatrie"],
                    {**PSY, "premier_episode": True}, territory, TODAY)
    assert result.level == "2"
    assert any(w.startswith(MISSING) for w in result.warnings) is missing


CHILD = {**{k: v for k, v in PSY.items() if k not in ("premier_episode", "decompensation",
                                                      "rupture_de_soins", "perinatalite",
                                                      "suivi_psychiatrique")},
         "age": 8, "suspicion_tnd": True, "troubles_psychiques_associes": False,
         "retentissement": "modere"}


@pytest.mark.parametrize(("risk", "bridged"), [("aucun", True), ("faible", False)])
def test_a_speech_therapist_bridges_a_childs_wait_unless_there_is_a_suicide_risk(
        grid, tmp_path, risk, bridged):
    territory = _territory(tmp_path, grid, """
          - {id: pco, name: PCO, kind: pco-tnd, wait_weeks: 20}
          - {id: scolaire, name: Scolaire, kind: medecine-scolaire, wait_weeks: 20}
          - {id: cmpi, name: CMPI, kind: cmpi, wait_weeks: 20}
          - {id: ortho, name: Ortho, kind: orthophoniste, wait_weeks: 2}
        """)
    child = grid.situations["enfant-apprentissages"]
    result = decide(grid, child, {**CHILD, "risque_suicidaire": risk}, territory, TODAY)
    assert result.level in ("2", "3") and result.resources
    assert [r.id for r in result.bridge] == (["ortho"] if bridged else [])
    assert result.bridge_reason == ("délai d'attente de 20 semaines" if bridged else None)


@pytest.mark.parametrize(("fast", "fallback"), [("mda", True), ("cmpi", False)])
def test_only_a_psychiatric_kind_in_time_answers_a_suicide_risk(grid, tmp_path, fast, fallback):
    # a 14-year-old at medium risk: evaluation within 72 hours; a maison des adolescents seeing
    # him tomorrow is not the psychiatric opinion (README, territory-format.md rule 7)
    territory = _territory(tmp_path, grid, f"""
          - {{id: vite, name: Vite, kind: {fast}, urgent_days: 1, wait_as_of: 2026-11-01}}
        """)
    teen = grid.situations["adolescent"]
    answers = {**TEEN, "age": 14, "maltraitance_suspectee": False, "retentissement": "leger"}
    result = decide(grid, teen, answers, territory, TODAY)
    assert result.delay == "sous-72h"
    assert result.fallback_needed is fallback


def test_fast_resources_come_first(grid, tmp_path):
    territory = _territory(tmp_path, grid, """
          - {id: lent, name: Aaa, kind: cmp, wait_weeks: 1}
          - {id: vite, name: Zzz, kind: cmp, urgent_days: 2, wait_as_of: 2026-11-01}
        """)
    result = decide(grid, grid.situations["psychiatrie"], {**PSY, "decompensation": True},
                    territory, TODAY)
    assert result.delay == "rapide"
    assert [r.id for r in result.resources] == ["lent", "vite"]  # both fast: the wait decides
    late = _territory(tmp_path, grid, """
          - {id: lent, name: Aaa, kind: cmp, wait_weeks: 3}
          - {id: vite, name: Zzz, kind: cmp, urgent_days: 2, wait_as_of: 2026-11-01}
        """)
    result = decide(grid, grid.situations["psychiatrie"], {**PSY, "decompensation": True},
                    late, TODAY)
    assert [r.id for r in result.resources] == ["vite", "lent"]
    assert result.because["vite"] == ["decompensation"]


def test_the_proof_says_a_red_flag_the_grid_dropped(tmp_path, grid):
    from gradation.core.proofs import check_grid

    # the situations apart (their proof is test_grid_safety's): the red flags alone
    dropped = check_grid(dataclasses.replace(_without_red_flag(tmp_path), situations={}))
    assert [(f.situation, f.check, f.answers) for f in dropped] == [
        ("*", "red-flag", {"agitation": True})]
    assert dropped[0].message.startswith("le drapeau rouge « agitation » manque dans red_flags")
    assert check_grid(dataclasses.replace(grid, situations={})) == []


# --- The answer space ----------------------------------------------------------------------


def test_each_comparison_cuts_an_integer_where_its_truth_may_change(grid):
    from gradation.core.conditions import Compare, parse
    from gradation.core.space import boundaries, candidate_values, class_starts

    for op, cut in ((">=", (20,)), ("<", (20,)), (">", (21,)), ("<=", (21,))):
        assert boundaries(Compare("s", op, 20)) == cut, op
    assert boundaries(Compare("s", "=", 20)) == (20, 21)
    assert boundaries(Compare("s", "!=", 20)) == (20, 21)
    questions = grid.all_questions
    phq9 = [parse("phq9 >= 20", questions), parse("phq9 > 9", questions),
            parse("phq9 >= 40", questions),  # beyond the range: no class
            parse("agitation", questions), None]
    assert class_starts(0, 27, phq9, "phq9") == [0, 10, 20]
    assert class_starts(0, 27, phq9, "gad7") == [0]
    assert class_starts(5, 27, [parse("phq9 >= 5", questions)], "phq9") == [5]  # the low end
    assert class_starts(0, 27, [parse("phq9 <= 27", questions)], "phq9") == [0]  # past the end
    anxio = grid.situations["anxio-depression"]
    # anxio-depression.yaml reads the PHQ-9 at 10 and 20
    assert candidate_values(anxio, anxio.question("phq9")) == [0, 10, 20]
    assert candidate_values(anxio, anxio.question("retentissement_travail")) == [False, True]
    assert candidate_values(anxio, anxio.question("retentissement")) == [
        "aucun", "leger", "modere", "severe"]
    assert candidate_values(anxio, anxio.question("commune")) == [None]


def test_answers_off_the_path_are_dropped_in_order(grid):
    from gradation.core.space import path, restrict_to_path

    psy = grid.situations["psychiatrie"]
    # at 60, pregnancy is not asked; at 5, the suicide risk is not either
    kept = restrict_to_path(psy, {**PSY, "age": 60, "perinatalite": "grossesse"})
    assert "perinatalite" not in kept and kept["age"] == 60 and kept["agitation"] is False
    young = restrict_to_path(psy, {"age": 5, "risque_suicidaire": "faible", "agitation": True})
    assert young == {"age": 5, "agitation": True}
    asked = [q.id for q in path(psy, {"age": 5})]
    assert "risque_suicidaire" not in asked and "agitation" in asked
    assert "risque_suicidaire" in [q.id for q in path(psy, {"age": 6})]


def test_an_answer_as_a_gp_reads_it(grid):
    from gradation.core.decision import display_answer, situations_for_age

    psy = grid.situations["psychiatrie"]
    assert display_answer(psy.question("commune"), None) == "non précisée"
    assert display_answer(psy.question("tentative_evaluee"), None) == "non évalué"
    assert display_answer(psy.question("agitation"), True) == "oui"
    assert display_answer(psy.question("agitation"), False) == "non"
    assert display_answer(psy.question("retentissement"), "severe") == "Sévère"
    assert display_answer(psy.question("age"), 34) == "34"
    assert psy.question("retentissement").choice_label("inconnu") == "inconnu"
    # the ages of grids/situations/*.yaml: 16 to 120, 12 to 120, 0 to 15, 16 to 120, 15 to 25,
    # 11 to 17
    assert {s.id for s in situations_for_age(grid, 16)} == {
        "anxio-depression", "addictions", "psychiatrie", "gaja", "adolescent"}
    assert {s.id for s in situations_for_age(grid, 15)} == {
        "addictions", "enfant-apprentissages", "gaja", "adolescent"}


def test_age_bounds_and_extensions_of_a_level(grid):
    from gradation.core.schema import AgeBounds

    assert AgeBounds(min=16, max=None).fits(16) and not AgeBounds(min=16).fits(15)
    assert AgeBounds(max=17).fits(17) and not AgeBounds(max=17).fits(18)
    assert AgeBounds(min=16, max=17).fits(None)
    spec = grid.situations["anxio-depression"].level_spec("1")
    assert spec.is_extension("pmi")  # called only: not of the seed's cell
    assert not spec.is_extension("psychologue")


# --- What the matching and the numbers add -------------------------------------------------

OPIOIDS = {**{k: v for k, v in PSY.items() if k not in ("premier_episode", "decompensation",
                                                        "rupture_de_soins")},
           "produit": "opioides", "sevrage_complique": False, "dependance": True,
           "retentissement_travail": False}
URGENCES = """
          - {id: urg, name: Urgences, kind: urgences}
          - {id: crise, name: Crise, kind: centre-crise}
        """


def test_a_non_psychiatric_reason_without_anyone_in_time_falls_back_on_the_urgences_only(
        grid, tmp_path):
    # opioid dependence calls for substitution within the week (no psychiatric reason): the
    # crisis centre is the recourse of psychiatric reasons only (model.yaml, psy_only)
    territory = _territory(tmp_path, grid, URGENCES + """
          - {id: csapa, name: CSAPA, kind: csapa, wait_weeks: 6}
        """)
    result = decide(grid, grid.situations["addictions"], OPIOIDS, territory, TODAY)
    assert (result.level, result.delay, result.fallback_needed) == ("2", "rapide", True)
    assert result.fallback_delay == "rapide"
    assert [r.id for r in result.fallback] == ["urg"]
    assert "15" in [n.dial for n in result.numbers]  # with the fallback, the 15
    psychiatric = decide(grid, grid.situations["psychiatrie"], {**PSY, "premier_episode": True},
                         territory, TODAY)
    assert {r.id for r in psychiatric.fallback} == {"urg", "crise"}


def test_the_numbers_of_a_result(grid):
    from gradation.core.decision import numbers_for

    calm = {k: v for k, v in PSY.items()}
    assert [n.dial for n in numbers_for(grid, "2", calm, False)] == []
    assert [n.dial for n in numbers_for(grid, "2", calm, True)] == ["15"]  # with a fallback
    assert [n.dial for n in numbers_for(grid, "3", calm, False, delay="sous-72h")] == ["15"]
    assert [n.dial for n in numbers_for(grid, "urgence", calm, False)][:3] == [
        "15", "112", "114"]
    faible = {**calm, "risque_suicidaire": "faible"}
    assert [n.dial for n in numbers_for(grid, "1", faible, False)] == ["3114"]
    moyen = {**calm, "risque_suicidaire": "moyen"}
    assert [n.dial for n in numbers_for(grid, "3", moyen, False)] == ["15", "3114"]


def test_each_reason_keeps_its_delay_and_what_to_do_meanwhile(grid):
    result = decide(grid, grid.situations["psychiatrie"],
                    {**PSY, "premier_episode": True, "risque_suicidaire": "faible"})
    by_rule = {r.rule: r for r in result.reasons}
    first = by_rule["premier-episode"]
    assert (first.level, first.delay, first.psy) == ("2", "rapide", True)
    told = by_rule["idees-suicidaires-faibles"]
    assert (told.level, told.delay, told.meanwhile) == ("1", "programme",
                                                        "Revoir le patient dans la semaine")
    assert told.cell == "CMGF 2022, table des situations (d'après CMG 2019)"


def test_pregnancy_adds_the_pmi_alongside_a_higher_level(grid, tmp_path):
    territory = _territory(tmp_path, grid, """
          - {id: psy, name: Psy, kind: psychiatre, wait_weeks: 1}
          - {id: pmi, name: PMI, kind: pmi}
        """)
    result = decide(grid, grid.situations["anxio-depression"],
                    {**ANXIO, "phq9": 22, "age": 30, "perinatalite": "grossesse"}, territory,
                    TODAY)
    assert result.level == "3"
    assert "pmi" in [r.id for r in result.alongside]
    assert result.because["pmi"] == ["perinatalite-accompagnement"]


def test_mon_soutien_psy_is_said_only_for_a_patient_it_excludes(grid, tmp_path):
    territory = _territory(tmp_path, grid, """
          - {id: msp-psy, name: Psy MSP, kind: psychologue, mon_soutien_psy: true}
        """)
    anxio = grid.situations["anxio-depression"]
    light = decide(grid, anxio, {**ANXIO, "phq9": 5}, territory, TODAY)
    assert [r.id for r in light.resources] == ["msp-psy"] and not light.mon_soutien_psy_excluded
    assert not [w for w in light.warnings if "Mon soutien psy" in w]
    risk = decide(grid, anxio, {**ANXIO, "phq9": 5, "risque_suicidaire": "faible"}, territory,
                  TODAY)
    assert risk.mon_soutien_psy_excluded is True
    (said,) = [w for w in risk.warnings if "Mon soutien psy" in w]
    assert said.startswith("Mon soutien psy est réservé à la détresse légère à modérée")


def test_a_commune_outside_the_territory_is_said(grid, tmp_path):
    territory = _territory(tmp_path, grid, "  - {id: p, name: P, kind: psychologue}\n")
    result = decide(grid, grid.situations["anxio-depression"],
                    {**ANXIO, "phq9": 5, "commune": "99999"}, territory, TODAY)
    assert ("La commune 99999 est hors du territoire « T » : seules les ressources sans secteur, "
            "ou dont le secteur la comprend, sont proposées.") in result.warnings


@pytest.mark.parametrize(("weeks", "said"), [(1, "délai de 1 semaine déclaré le 01/04/2026"),
                                              (2, "délai de 2 semaines déclaré le 01/04/2026")])
def test_an_old_wait_is_said_with_its_date(grid, tmp_path, weeks, said):
    territory = _territory(tmp_path, grid, f"""
          - {{id: p, name: P, kind: psychologue, wait_weeks: {weeks}, wait_as_of: 2026-04-01}}
        """)
    result = decide(grid, grid.situations["anxio-depression"], {**ANXIO, "phq9": 5},
                    territory, TODAY)
    assert f"« P » : {said}, il y a plus de six mois (à vérifier auprès du service)." in (
        result.warnings)


def test_a_kind_missing_for_a_timed_reason_below_the_level_is_said(grid, tmp_path):
    # care that failed in the 2nd line (level 3: cure, hospitalisation) with an opioid
    # dependence (level 2, within the week: CSAPA or addictologist): the CSAPA missing is said
    # too, a level-1 kind is not
    territory = _territory(tmp_path, grid, """
          - {id: hosp, name: Hosp, kind: hospitalisation-addictologie}
        """)
    result = decide(grid, grid.situations["addictions"],
                    {**OPIOIDS, "echec_soins_anterieurs": "deuxieme_ligne"}, territory, TODAY)
    assert result.level == "3"
    missing = [w for w in result.warnings if w.startswith("Pas de ")]
    assert any(w.startswith("Pas de CSAPA") and "Dépendance aux opioïdes" in w for w in missing)
    assert not any("Médecin généraliste" in w for w in missing)


def test_an_answer_is_checked_at_both_ends_of_its_range(grid):
    from gradation.core.answers import AnswerError, normalise, parse_pairs

    age = grid.situations["psychiatrie"].question("age")
    assert normalise(age, 120) == 120 and normalise(age, "0") == 0
    with pytest.raises(AnswerError) as refused:
        normalise(age, 121)
    assert refused.value.message == ("réponse invalide pour « age » : 121 ; attendu : un nombre "
                                     "entier de 0 à 120")
    impact = grid.situations["psychiatrie"].question("retentissement")
    with pytest.raises(AnswerError) as typo:
        normalise(impact, "sevre")
    assert typo.value.message == (
        "réponse invalide pour « retentissement » : « sevre » ; attendu : l'une des valeurs "
        "aucun, leger, modere, severe — vouliez-vous dire « severe » ?")
    assert parse_pairs(["age=34", "commune=", "note=a=b"]) == {
        "age": "34", "commune": "", "note": "a=b"}


def test_the_facts_a_model_condition_reads(grid):
    from gradation.core.conditions import ConditionError, holds, parse
    from gradation.core.facts import result_facts, result_questions

    facts = result_facts({"age": None, "agitation": False}, "3", "rapide", "gaja", True)
    assert facts == {"age": None, "agitation": False, "niveau": "3", "delai": "rapide",
                     "situation": "gaja", "age_inconnu": True, "recours": True}
    scope = {**grid.all_questions, **result_questions(list(grid.situations))}
    assert holds(parse("niveau >= 2 and delai = rapide and situation = gaja and recours "
                       "and age_inconnu", scope), facts)
    assert not holds(parse("delai >= sous-72h", scope), facts)
    with pytest.raises(ConditionError, match="n'est pas ordonnée"):
        parse("situation >= gaja", scope)


def test_a_question_that_changes_only_a_warning_about_a_resource_is_asked(grid, tmp_path):
    # In a psychiatrie whose rules no longer read the three signs, a first episode changes
    # only one thing: Mon soutien psy excludes the patient, and the result says so under the
    # psychologist of that scheme. With that psychologist in the territory, the sign is asked;
    # without a territory, nothing depends on it.
    psy = grid.situations["psychiatrie"]
    inert = ("premier_episode", "decompensation", "rupture_de_soins")
    quiet = dataclasses.replace(psy, rules=[r for r in psy.rules if not any(
        c.question in inert for c in comparisons(r.condition))])
    answers = {k: v for k, v in {**PSY, "retentissement": "leger"}.items() if k not in inert}
    territory = _territory(tmp_path, grid, """
          - {id: msp-psy, name: Psy MSP, kind: psychologue, mon_soutien_psy: true}
        """)
    assert settled(grid, quiet, answers)
    assert not settled(grid, quiet, answers, territory, TODAY)
    assert unneeded(grid, quiet, answers, territory, TODAY) == []
    assert unneeded(grid, quiet, answers) == list(inert)


@pytest.mark.parametrize(("text", "message", "offset"), [
    ("agitation & confusion", "caractère inattendu « & »", 10),
    ("agitation confusion", "« confusion » inattendu (and / or attendu)", 10),
    ("agitation and", "condition incomplète", 13),
    ("agitation > oui", "« agitation » se compare à oui ou non avec = ou !=", 0),
    ("agitation = peutetre", "« agitation » se compare à oui ou non avec = ou !=", 0),
    ("retentissement", "« retentissement » n'est pas une question oui/non : comparez-la "
                       "(ex. retentissement = …)", 0),
    ("commune >= 99001", "« commune » se compare avec = ou !=", 0),
    ("(" * 51 + "agitation" + ")" * 51, "condition trop imbriquée (plus de 50 niveaux de "
                                        "parenthèses ou de « not »)", 50),
])
def test_a_bad_condition_is_said_where_it_goes_wrong(grid, text, message, offset):
    from gradation.core.conditions import ConditionError, parse

    with pytest.raises(ConditionError) as refused:
        parse(text, grid.all_questions)
    assert (refused.value.message, refused.value.offset) == (message, offset)


def test_the_comparisons_a_condition_makes(grid):
    from gradation.core.conditions import Compare, parse

    questions = grid.all_questions
    assert parse("agitation != oui", questions) == Compare("agitation", "!=", True)
    assert parse("agitation = non", questions) == Compare("agitation", "=", False)
    assert parse("commune != 99001", questions) == Compare("commune", "!=", "99001")
    ranked = parse("retentissement >= modere", questions)
    assert (ranked.question, ranked.op, ranked.value) == ("retentissement", ">=", "modere")
    assert ranked.rank == {"aucun": 0, "leger": 1, "modere": 2, "severe": 3}


def test_text_checks_and_an_unknown_situation(grid):
    from gradation.core.text import multi_line, text_problem
    from gradation.errors import GradationError

    assert text_problem("a\nb") == "retour à la ligne interdit : ce champ tient sur une ligne"
    assert text_problem("a\nb", multiline=True) is None
    assert text_problem("a\u200bb") == ("caractère invisible ou de contrôle interdit (U+200B) : "
                                         "retirez-le")
    assert multi_line("  un   deux \n\ttrois") == "un deux\ntrois"
    with pytest.raises(ValueError, match="U\\+0007"):
        multi_line("a\x07")
    with pytest.raises(GradationError) as unknown:
        grid.situation("psychiatri")
    assert unknown.value.message == (
        "situation « psychiatri » inconnue — vouliez-vous dire « psychiatrie » ? (situations : "
        "anxio-depression, addictions, enfant-apprentissages, psychiatrie, gaja, adolescent)")
    line_one = {kind: placed for _, kind, placed in grid.model.lines[0].kinds()}
    assert line_one["medecin-generaliste"] is False and line_one["pmi"] is True


def test_more_condition_errors_where_they_stand(grid):
    from gradation.core.conditions import Compare, ConditionError, parse

    questions = grid.all_questions
    for text, message, offset in [
        ("phq9 >= 1234567890", "nombre trop long (10 chiffres ; au plus 9)", 8),
        ("= oui", "identifiant de question attendu, « = » trouvé", 0),
        ("confusion and agitation > oui", "« agitation » se compare à oui ou non avec = ou !=",
         14),
        ("confusion and perinatalite >= grossesse",
         "« perinatalite » n'est pas ordonnée : utilisez = ou !=", 14),
        ("confusion and retentissement", "« retentissement » n'est pas une question oui/non : "
         "comparez-la (ex. retentissement = …)", 14),
    ]:
        with pytest.raises(ConditionError) as refused:
            parse(text, questions)
        assert (refused.value.message, refused.value.offset) == (message, offset), text
    absent: list[str] = []
    assert parse("risque_suicidaire = inconnu", questions, absent) == Compare(
        "risque_suicidaire", "=", "inconnu")


def test_the_built_in_safety_rule_is_named_after_its_question(tmp_path, demo):
    edited = _without_red_flag(tmp_path, "tentative-recente")
    result = decide(edited, edited.situations["psychiatrie"],
                    {**PSY, "tentative_recente": True}, demo, TODAY)
    (reason,) = result.reasons
    assert (reason.rule, reason.level, reason.delay) == (
        "securite-tentative-recente", "urgence", "sans-delai")
    assert reason.text == "Tentative de suicide récente, pas encore évaluée à l'hôpital"


def test_the_commune_is_never_listed_as_not_evaluated(grid):
    result = decide(grid, grid.situations["psychiatrie"],
                    {**PSY, "commune": None, "tentative_evaluee": None})
    assert result.unanswered == ["tentative_evaluee"]


def test_a_reason_whose_kinds_the_seed_does_not_place_there_cites_no_cell(grid):
    child = grid.situations["enfant-apprentissages"]
    result = decide(grid, child, {**CHILD, "risque_suicidaire": "moyen",
                                  "suspicion_tnd": False})
    by_rule = {r.rule: r for r in result.reasons}
    assert by_rule["risque-suicidaire"].cell == "extension"
    assert by_rule["risque-suicidaire"].meanwhile == "Revoir l'enfant sous 48 à 72 h"


def test_a_resource_placed_by_hand_at_level_1_comes_alongside(grid, tmp_path):
    territory = _territory(tmp_path, grid, """
          - {id: psy, name: Psy, kind: psychiatre, wait_weeks: 1}
          - {id: groupe, name: Groupe, kind: associations, situations: [anxio-depression],
             level: 1}
        """)
    result = decide(grid, grid.situations["anxio-depression"], {**ANXIO, "phq9": 22},
                    territory, TODAY)
    assert result.level == "3" and "groupe" in [r.id for r in result.alongside]


def test_mon_soutien_psy_is_said_at_level_3_of_psychiatrie(grid, tmp_path):
    # model.yaml: « niveau = 3 and (situation = psychiatrie or situation = gaja) »
    territory = _territory(tmp_path, grid, """
          - {id: chs, name: CHS, kind: chs, wait_weeks: 20}
          - {id: msp-psy, name: Psy MSP, kind: psychologue, mon_soutien_psy: true}
        """)
    result = decide(grid, grid.situations["psychiatrie"],
                    {**PSY, "echec_soins_anterieurs": "deuxieme_ligne"}, territory, TODAY)
    assert result.level == "3" and result.mon_soutien_psy_excluded is True


def test_small_text_and_range_edges():
    from gradation.core.conditions import Compare
    from gradation.core.space import class_starts
    from gradation.core.suggest import distance
    from gradation.core.text import noncharacter

    assert class_starts(0, 27, [Compare("phq9", ">=", 27)], "phq9") == [0, 27]
    assert distance("ab", "ba") == 1 and distance("abc", "acb") == 1
    assert noncharacter("\uffff") and noncharacter("\ufffe") and noncharacter("\ufdd0")
    assert not noncharacter("a") and not noncharacter("\ufffd")
