"""Trainer mode: the model's tables, each situation's logic, --explain, and the quiz."""

from __future__ import annotations

import json
import os
import re
import sys

import pexpect
import pytest
import yaml
from conftest import ADULT, ROOT, TODAY, answer_flags, copy_grids

from gradation.core.decision import decide
from gradation.files.grids import load_vignettes

SEED_SITUATION_CELLS = {
    "Anxio-dépression": [["Médecin généraliste", "Psychologue", "SESAME"],
                         ["Médecine du travail", "Médecin conseil"], ["Psychiatre", "médico-psychologique"]],
    "Conduites addictives": [["Médecin généraliste", "Psychologue", "SESAME"],
                             ["Médecine du travail", "addictologue", "CSAPA"],
                             ["Centre de cure", "Hospitalisation en addictologie"]],
    "Enfant en difficultés": [["Médecin généraliste", "Orthophoniste", "Psychomotricien", "Psychologue"],
                              ["Médecine scolaire", "réussite éducative", "TND"],
                              ["CAMSP", "CMP infanto-juvénile"]],
    "Troubles psychiatriques": [["Médecin généraliste", "Psychologue"],
                                ["Psychiatre", "médico-psychologique"], ["CHS"]],
    "Grands adolescents": [["Médecin généraliste", "Psychologue"],
                           ["Maison des adolescents", "Médecine scolaire", "insertion",
                            "CMP infanto-juvénile"], ["CHS", "Hôpital de jour"]],
}


def test_situations_table_has_every_seed_cell_and_marks_the_extension(cli):
    out = cli("situations", "--format", "markdown").stdout
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 6
    # the extension situation: marked as such, every kind of it marked too
    adolescent = next(r for r in rows if r.startswith("| Adolescent en souffrance psychique"))
    assert "situation d'extension (absente de la table source)" in adolescent
    assert "Pédopsychiatre libéral *(extension)*" in adolescent
    for start, cells in SEED_SITUATION_CELLS.items():
        row = next(r for r in rows if r.startswith(f"| {start}"))
        columns = [c.strip() for c in row.strip("|").split(" | ")][1:]
        for column, kinds in zip(columns, cells, strict=True):
            for kind in kinds:
                assert kind in column, (start, kind)
    # extensions (default-grid.md): each marked on its own kind, nowhere else
    marked = {(r.split(" | ")[0].strip("| "), m) for r in rows
              for m in re.findall(r"([^,|]+?) \*\(extension\)\*", r)}
    # (default-grid.md: the 2026-11-28 extensions, then those of 2026-12-01: minors, perinatal
    # care, the 72-hour evaluation, the called-only PMI, sage-femme and CAARUD)
    assert {(row[:20], kind.strip()) for row, kind in marked
            if not row.startswith("Adolescent")} == {
        ("Anxio-dépression, tr", "CMP infanto-juvénile"),
        ("Anxio-dépression, tr", "Maison des adolescents"),
        ("Anxio-dépression, tr", "Protection maternelle et infantile (PMI)"),
        ("Anxio-dépression, tr", "Sage-femme"),
        ("Anxio-dépression, tr", "unité mère-bébé)"),
        ("Conduites addictives", "CAARUD"),
        ("Conduites addictives", "CMP infanto-juvénile"),
        ("Conduites addictives", "Centre médico-psychologique (adultes)"),
        ("Conduites addictives", "Consultation jeunes consommateurs (CJC)"),
        ("Conduites addictives", "Maison des adolescents"),
        ("Conduites addictives", "Protection maternelle et infantile (PMI)"),
        ("Conduites addictives", "Psychiatre libéral"),
        ("Conduites addictives", "Sage-femme"),
        ("Conduites addictives", "Équipe de liaison et de soins en addictologie (ELSA)"),
        ("Enfant en difficulté", "Centre médico-psycho-pédagogique"),
        ("Enfant en difficulté", "Maison des adolescents"),
        ("Enfant en difficulté", "Protection maternelle et infantile (PMI)"),
        ("Grands adolescents e", "CMP infanto-juvénile"),
        ("Grands adolescents e", "Centre d'accueil et de crise (accueil psychiatrique 24 h/24)"),
        ("Grands adolescents e", "Centre médico-psychologique (adultes)"),
        ("Grands adolescents e", "Hospitalisation pour adolescents (pédopsychiatrie)"),
        ("Grands adolescents e", "Hospitalisation psychiatrique (CHS)"),
        ("Grands adolescents e", "Hôpital de jour"),
        ("Grands adolescents e", "Protection maternelle et infantile (PMI)"),
        ("Grands adolescents e", "Psychiatre libéral"),
        ("Grands adolescents e", "Sage-femme"),
        ("Grands adolescents e", "unité mère-bébé)"),
        ("Troubles psychiatriq", "CMP infanto-juvénile"),
        ("Troubles psychiatriq", "Centre d'accueil et de crise (accueil psychiatrique 24 h/24)"),
        ("Troubles psychiatriq", "Centre médico-psychologique (adultes)"),
        ("Troubles psychiatriq", "Hospitalisation pour adolescents (pédopsychiatrie)"),
        ("Troubles psychiatriq", "Maison des adolescents"),
        ("Troubles psychiatriq", "Protection maternelle et infantile (PMI)"),
        ("Troubles psychiatriq", "Psychiatre libéral"),
        ("Troubles psychiatriq", "Sage-femme"),
        ("Troubles psychiatriq", "unité mère-bébé)"),
    }
    text = cli("situations").stdout
    assert "* extension" in text


def test_model_table_draws_the_line_by_field_table(cli):
    out = cli("model", "--format", "markdown").stdout
    assert out.splitlines()[0] == "| ligne | Sanitaire | Médico-social | Social |"
    line1, line2, line3 = [r for r in out.splitlines() if r.startswith("| **")]
    assert "ASALEE" in line1 and "SESAME" in line1 and "CCAS" in line1 and "CLSM" in line1
    assert "CPTS" in line1  # the organisation of the line
    assert "DAC" in line2 and "MDPH" in line2 and "CMP infanto-juvénile" in line2
    assert "ESAT" in line3 and "SAMSAH" in line3 and "CPAM" in line3 and "GHT" in line3
    assert "Sanitaire" in cli("model").stdout


def test_show_lists_questions_conditions_rules_and_sources(cli):
    out = cli("show", "addictions", "--format", "markdown").stdout
    assert out.startswith("# Conduites addictives")
    assert "Score AUDIT (alcool) (`audit` ; 0 à 40 ; facultatif ; posée si Produit ou comportement principal = Alcool)" in out
    assert "### Niveau 3 si l'une de ces conditions :" in out
    assert "Score AUDIT (alcool) ≥ 20 — AUDIT ≥ 20 (zone IV) : évaluation diagnostique et traitement spécialisés · OMS, AUDIT (zone IV)" in out
    assert "### Urgence si l'une de ces conditions :" in out
    assert "### Sinon : niveau 1" in out
    gaja = cli("show", "gaja", "-f", "markdown").stdout
    assert "Hospitalisation psychiatrique (CHS) (extension), Hôpital de jour (extension)" in gaja
    assert "appelle : CMP infanto-juvénile, Centre médico-psychologique (adultes) (extension)" in gaja
    assert "délai : Avis rapide — dans la semaine" in gaja
    assert cli("show", "gaj").exit_code == 2


def parse_mermaid(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    """A strict reading of the flowchart subset we emit: every line must be understood."""
    lines = text.strip().splitlines()
    assert lines[0] == "flowchart TD"
    nodes: set[str] = set()
    edges: list[tuple[str, str]] = []
    patterns = [
        (re.compile(r'^(\w+)\["[^"]+"\]$'), "node"),
        (re.compile(r'^(\w+)\(\["[^"]+"\]\)$'), "node"),
        (re.compile(r'^N>"[^"]+"\]$'), "note"),
        (re.compile(r"^(\w+) --> (\w+)$"), "edge"),
        (re.compile(r'^(\w+) -- "[^"]+" --> (\w+)$'), "edge"),
        (re.compile(r'^(\w+) -\. "[^"]+" \.-> (\w+)$'), "edge"),
        (re.compile(r"^classDef \w+ [\w:#,]+$"), "style"),
        (re.compile(r"^class \w+ \w+$"), "style"),
    ]
    for line in lines[1:]:
        line = line.strip()
        for pattern, kind in patterns:
            match = pattern.match(line)
            if match:
                if kind == "node":
                    nodes.add(match.group(1))
                elif kind == "edge":
                    edges.append((match.group(1), match.group(2)))
                break
        else:
            raise AssertionError(f"ligne Mermaid non reconnue : {line}")
    return nodes, edges


@pytest.mark.parametrize("situation", ["anxio-depression", "addictions", "enfant-apprentissages",
                                       "psychiatrie", "gaja"])
def test_mermaid_is_a_flowchart_with_a_node_per_question_and_level(cli, grid, situation):
    nodes, edges = parse_mermaid(cli("show", situation, "--format", "mermaid").stdout)
    sit = grid.situations[situation]
    assert {f"Q_{q.id}" for q in sit.questions} | {"L_1", "L_2", "L_3", "L_urgence"} == nodes
    assert all(a in nodes and b in nodes for a, b in edges)
    for qid in ("risque_suicidaire", "danger_autrui", "agitation", "confusion",
                "intoxication_aigue", "enfant_en_danger"):
        assert (f"Q_{qid}", "L_urgence") in edges


def test_mermaid_draws_each_rule_once_from_where_it_is_decided(cli):
    out = cli("show", "psychiatrie", "--format", "mermaid").stdout
    _, edges = parse_mermaid(out)
    # « décompensation et retentissement sévère »: one link, from the later question of the two
    # (the other link from there is the pregnancy rule, decided at the same question)
    assert out.count('Q_decompensation -- "Signes de décompensation (rechute) : oui et '
                     'Retentissement') == 1
    assert ("Q_retentissement", "L_3") not in edges
    # a rule on its own question says only the answer; a composite rule says it all
    assert 'Q_danger_autrui -- "oui" --> L_urgence' in out
    assert 'Q_retentissement -- "≥ Modéré" --> L_2' in out
    assert ('Q_decompensation -- "Signes de décompensation (rechute) : oui et Retentissement '
            'fonctionnel (vie quotidienne, scolarité, travail, relations) = Sévère" --> L_3') in out
    assert "aucune condition remplie" in out and "le plus élevé dont une condition" in out


def test_explain_lists_every_rule_and_what_would_change_the_level(cli):
    answers = {**ADULT, "phq9": 12, "gad7": None, "retentissement_travail": "oui",
               "doute_diagnostique": "non"}
    result = cli("orient", "-s", "anxio-depression", "-t",
                 str(ROOT / "tests/cases/territoire.yaml"), *answer_flags(answers),
                 "--explain", "-f", "json")
    data = json.loads(result.stdout)["explain"]
    rules = {r["rule"]: r for r in data["rules"]}
    assert len(rules) == 8 + 13  # the red flags and the situation's rules
    assert rules["retentissement-travail"]["fired"] is True
    assert rules["phq9-severe"]["fired"] is False
    assert rules["phq9-severe"]["answers"] == {"phq9": "12"}
    raises = {c["question"]: c for c in data["raise"]}
    assert raises["phq9"]["to"] == "20" and raises["phq9"]["level"] == "3"
    assert raises["gad7"]["from"] == "non évalué" and raises["gad7"]["to"] == "15"
    assert "danger_autrui" not in raises  # red flags are summed up once
    lowers = {c["question"]: c for c in data["lower"]}
    assert lowers == {"retentissement_travail": {"question": "retentissement_travail",
                                                 "from": "oui", "to": "non", "level": "1"}}
    text = " ".join(cli("orient", "-s", "anxio-depression", *answer_flags(answers),
                        "--explain").stdout.split())
    assert "Ce qui changerait le niveau" in text
    assert "Score PHQ-9 (dépression) : 12 → 20 : niveau 3 (le niveau monterait)." in text
    assert "Retentissement sur le travail : oui → non : niveau 1 (le niveau descendrait)." in text
    # the negative red flags in one line, with their wording, not one row each
    assert text.count("Drapeaux rouges : aucun positif (") == 1
    assert "Danger pour autrui" in text and "danger_autrui" not in text


@pytest.mark.parametrize("output_format", ["text", "markdown", "html"])
def test_explain_says_why_not_the_level_above_in_every_format(cli, output_format):
    answers = {**ADULT, "retentissement": "modere", "premier_episode": "non",
               "decompensation": "oui", "rupture_de_soins": "non"}
    result = cli("orient", "-s", "psychiatrie", "-t", str(ROOT / "tests/cases/territoire.yaml"),
                 *answer_flags(answers), "--explain", "-f", output_format)
    assert result.exit_code == 0
    text = " ".join(re.sub(r"<[^>]+>", " ", result.stdout).split())
    # level 3 in psychiatrie needs a relapse *and* a severe impact
    text = text.replace("&#x27;", "'").replace("\u00a0", " ").replace("\u202f", " ")
    assert "Pas de niveau 3 parce qu'aucune de ses conditions n'est remplie : il faudrait « " in text
    assert ("ou « Signes de décompensation (rechute) : oui et Retentissement fonctionnel (vie "
            "quotidienne, scolarité, travail, relations) = Sévère »") in text
    assert "Règles de la situation" in text and "Ce qui changerait le niveau" in text
    data = json.loads(cli("orient", "-s", "psychiatrie", "-t",
                          str(ROOT / "tests/cases/territoire.yaml"), *answer_flags(answers),
                          "--explain", "-f", "json").stdout)["explain"]
    assert data["why_not_above"].startswith("Pas de niveau 3 parce qu")


def test_vignettes_expected_levels_match_the_engine(grid, demo):
    vignettes = load_vignettes(grid)
    assert len(vignettes) >= 20
    assert {v.situation for v in vignettes} == set(grid.situations)
    assert {v.level for v in vignettes} == {"1", "2", "3", "urgence"}
    assert any(v.bridge for v in vignettes)
    for v in vignettes:
        result = decide(grid, grid.situations[v.situation], v.answers, demo, TODAY)
        assert result.level == v.level, v.id
        if v.bridge is not None:
            assert bool(result.bridge) == v.bridge, v.id


VIGNETTES = yaml.safe_load((ROOT / "grids" / "training" / "vignettes.yaml").read_text("utf-8"))[
    "vignettes"]


def test_train_needs_a_terminal(cli):
    result = cli("train")
    assert result.exit_code == 2 and "terminal" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")
def test_pty_quiz_to_its_score(tmp_path, grid):
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "train", "-s", "psychiatrie",
                                           "--count", "3", "--seed", "1"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, 100))
    # The oracle reads the vignettes file itself (not the program's loader nor its draw): each
    # story on screen names its vignette, whose expected level says whether « 1re ligne » is
    # right.
    import yaml

    data = yaml.safe_load((ROOT / "grids" / "training" / "vignettes.yaml").read_text("utf-8"))
    stories = {re.sub(r"\s+", "", v["story"])[:40]: v["level"] for v in data["vignettes"]
               if v["situation"] == "psychiatrie"}
    right = 0
    for _ in range(3):
        child.expect_exact("Quel niveau de recours ?")
        screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before)  # colours, cursor
        screen = re.sub(r"[\s│]+", "", screen)  # blanks and the box's borders
        levels = [level for start, level in stories.items() if start in screen]
        assert len(levels) == 1, screen[-300:]
        child.send("\r")  # always the first choice: 1re ligne
        child.expect(["✓ Exact", "✗ Votre réponse"])
        expected = "✓ Exact" if levels[0] == "1" else "✗ Votre réponse"
        assert child.after == expected
        if levels[0] != "1":  # why the level reached, and why not the one chosen
            child.expect_exact("Pourquoi pas Niveau 1")
        right += levels[0] == "1"
    child.expect(r"Score : (\d)/3")
    assert int(child.match.group(1)) == right
    if right < 3:  # the misses, and the command that replays them
        child.expect(r"Pour les rejouer : gradation train --only ([\w,-]+)")
        assert len(child.match.group(1).split(",")) == 3 - right
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")
def test_pty_ctrl_c_keeps_the_score_and_the_seed_is_shown(tmp_path):
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "train", "-s", "psychiatrie",
                                           "--count", "99"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, 100))
    child.expect(r"graine (\d+) \(--seed \d+ pour la rejouer\)")
    available = sum(v["situation"] == "psychiatrie" for v in VIGNETTES)
    child.expect_exact(f"{available} vignettes disponibles sur les 99 demandées")
    child.expect_exact("Quel niveau de recours ?")
    child.send("\r")
    child.expect(["✓ Exact", "✗ Votre réponse"])
    right = child.after == "✓ Exact"
    child.expect_exact("Quel niveau de recours ?")
    child.sendcontrol("c")
    child.expect_exact(f"Entraînement interrompu — score : {int(right)}/{available} "
                       "(1 vignette jouée)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


BROKEN_VIGNETTES = """\
vignettes:
  - id: a
    situation: psychiatrie
    story: "Premier épisode, retentissement modéré."
    answers: {age: 30, commune: "99001", risque_suicidaire: aucun, tentative_recente: non, mise_en_danger: non, danger_autrui: non, agitation: non, confusion: non, intoxication_aigue: non, enfant_en_danger: non, retentissement: modere, echec_soins_anterieurs: aucun, premier_episode: oui, decompensation: non, rupture_de_soins: non}
    level: "3"
  - id: b
    situation: psychiatrie
    story: "Une question mal orthographiée."
    answers: {age: 30, premier_episod: oui}
    level: "2"
  - id: c
    situation: gaja
    story: "Un âge hors de la situation."
    answers: {age: 40}
    level: "2"
  - id: d
    situation: psychiatrie
    story: "Correcte : toutes les réponses du parcours sont données."
    answers: {age: 30, commune: "99001", risque_suicidaire: aucun, tentative_recente: non, mise_en_danger: non, danger_autrui: non, agitation: non, confusion: non, intoxication_aigue: non, enfant_en_danger: non, retentissement: modere, echec_soins_anterieurs: aucun, premier_episode: oui, decompensation: non, rupture_de_soins: non}
    level: "2"
    teaching: "Un premier épisode suspecté appelle un avis psychiatrique dans la semaine."
    difficulty: facile
  - id: d
    situation: psychiatrie
    story: "Un identifiant déjà pris."
    answers: {age: 30, commune: "99001", risque_suicidaire: eleve}
    level: urgence
"""


def test_a_trainers_vignettes_are_checked_whole_before_the_first_question(cli, tmp_path):
    path = tmp_path / "vignettes.yaml"
    path.write_text(BROKEN_VIGNETTES, encoding="utf-8")
    for command in (("grid", "validate", str(path)), ("train", "--vignettes", str(path))):
        result = cli(*command)
        out = result.stdout + result.stderr
        assert result.exit_code == 3, out
        assert (f"{path}:6:12: vignettes[0] (a).level : « 3 » attendu, mais la grille conclut "
                "« 2 »") in out
        assert f"{path}:10:40: vignettes[1] (b).answers : question « premier_episod » " in out
        assert "vouliez-vous dire « premier_episode » ?" in out
        assert f"{path}:15:20: vignettes[2] (c) : 40 ans, hors des âges de « gaja »" in out
        assert "vignettes[3]" not in out and "Quel niveau" not in out
        assert f"{path}:24:9: vignettes[4] (d) : identifiant déjà utilisé" in out
    # the shipped vignettes (and sources) are checked by a plain `grid validate`
    assert "4 fichiers ou dossiers vérifiés" in cli("grid", "validate").stdout


def test_validate_reads_a_sources_file_as_one(cli, tmp_path):
    grids = copy_grids(tmp_path)
    sources = grids / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("reference:", "referenc:", 1), encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "reference:" in row)
    for args in ((str(sources),), ("--grids", str(grids))):  # the file, or the grids' default
        out = cli("grid", "validate", *args)
        assert out.exit_code == 3
        assert f"sources.yaml:{line}:5: sources[0].referenc : clé « referenc » inconnue" in out.stdout
        assert "territory" not in out.stdout  # not read as a territory


def test_the_readme_vignette_example_is_valid(cli, tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(vignettes:\n.*?)```", readme, re.DOTALL)
    assert example is not None
    path = tmp_path / "mes-vignettes.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    result = cli("grid", "validate", str(path))
    assert result.exit_code == 0 and "Aucun problème" in result.stdout, result.stdout


def test_a_vignette_may_leave_out_the_commune_but_not_what_would_add_a_reason(cli, tmp_path):
    # a vignette names no territory: the commune may be left out; a relapse, even after a
    # first episode that already decides the level, would add a reason: it is asked for
    path = tmp_path / "sans-commune.yaml"
    path.write_text(
        "vignettes:\n"
        "  - id: sans-commune\n"
        "    situation: psychiatrie\n"
        "    story: M. G., 30 ans, entend des voix depuis trois semaines.\n"
        "    answers: {age: 30, risque_suicidaire: aucun, tentative_recente: non,\n"
        "              mise_en_danger: non, danger_autrui: non, agitation: non,\n"
        "              confusion: non, intoxication_aigue: non, enfant_en_danger: non,\n"
        "              retentissement: modere,\n"
        "              echec_soins_anterieurs: aucun, premier_episode: oui,\n"
        "              decompensation: non, rupture_de_soins: non}\n"
        "    level: '2'\n", encoding="utf-8")
    result = cli("grid", "validate", str(path))
    assert result.exit_code == 0 and "Aucun problème" in result.stdout, result.stdout
    text = path.read_text(encoding="utf-8").replace(" decompensation: non,", "")
    path.write_text(text, encoding="utf-8")
    result = cli("grid", "validate", str(path))
    assert result.exit_code == 3 and "réponses manquantes pour « psychiatrie »" in result.stdout
    assert "- decompensation" in result.stdout and "- commune" not in result.stdout


def test_sources_gives_every_reference_in_full_and_flags_an_unknown_citation(cli, tmp_path):
    out = " ".join(cli("sources").stdout.split())
    for tag in ("CMGF 2022", "HAS 2018", "HAS 2017", "Kroenke 2001", "OMS, AUDIT",
                "Conférence de consensus sur la crise suicidaire (2000)"):
        assert tag in out
    assert ("HAS, « Coordination entre le médecin généraliste et les différents acteurs de "
            "soins dans la prise en charge des patients adultes souffrant de troubles mentaux »"
            ) in out
    assert "psychiatrie/premier-episode" in out and "Citations sans référence" not in out
    markdown = cli("sources", "-f", "markdown").stdout
    assert markdown.startswith("# Sources des grilles") and "## HAS 2017" in markdown
    # a grid that cites a source with no reference: said, with who cites it
    grids = copy_grids(tmp_path)
    path = grids / "situations" / "psychiatrie.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('source: "HAS 2018, coordination entre médecin généraliste et '
                        'psychiatrie"\n    calls: [cmp, psychiatre]',
                        'source: "Inventé 2099"\n    calls: [cmp, psychiatre]', 1)
    path.write_text(text, encoding="utf-8")
    out = " ".join(cli("sources", "--grids", str(grids)).stdout.split())
    assert "Citations sans référence (à ajouter à sources.yaml) : « Inventé 2099 » " \
           "(psychiatrie/premier-episode)" in out


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")
def test_pty_room_mode_pauses_for_the_vote_then_reveals(tmp_path):
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "train", "--salle", "-s",
                                           "psychiatrie", "-n", "2", "--seed", "3"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, 100))
    child.expect_exact("Votez : niveau 1, niveau 2, niveau 3 ou urgence ?")
    for i in range(2):
        assert "Réponse :" not in child.before.split("1/2")[-1]  # nothing revealed before
        child.send("\r")
        child.expect_exact("Réponse :")
        child.expect_exact("Pourquoi")
        # the answer stays until Enter, then the next vote
        child.expect_exact(["Entrée : vignette suivante", "Fin de la séance : 2 vignettes."][i])
        # the reasons' wrapped lines stay under their text, not at the margin
        shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before).replace("\r", "")
        lines = [line for line in shown.split("\n")[1:] if line.strip() and "─" not in line
                 and "│" not in line]
        assert lines and all(line.startswith("    ") for line in lines), lines
        assert all(line == line.rstrip() for line in lines), lines  # no blank at line ends
        if i == 0:
            child.send("\r")
            child.expect_exact("Votez : niveau 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Score" not in child.before


def test_the_handout_in_markdown_has_the_stories_then_the_key(cli, tmp_path):
    out = cli("train", "--export", "markdown", "-s", "gaja", "-n", "3").stdout
    assert out.startswith("# Entraînement à la gradation")
    assert out.count("\n## Vignette ") == 3 and out.count("☐ ") == 12
    assert out.index("## Corrigé") > out.rindex("\n## Vignette ")
    stories = [v for v in VIGNETTES if v["situation"] == "gaja"][:3]
    model = yaml.safe_load((ROOT / "grids" / "model.yaml").read_text("utf-8"))
    labels = {level["id"]: level["label"] for level in model["levels"]}
    answers = out[out.index("## Corrigé"):].split("\n### Vignette ")[1:]
    for i, (vignette, answer) in enumerate(zip(stories, answers, strict=True), 1):
        answer = " ".join(answer.split())
        assert answer.startswith(f"{i} — Grands adolescents et jeunes adultes")
        assert " ".join(vignette["story"].split()) in answer  # the story again in the key
        assert f"Réponse : {labels[vignette['level']]} · " in answer
        assert "Ressources du territoire de démonstration : " in answer


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_model_tells_levels_of_recourse_from_lines_with_the_grids_example(cli, output_format):
    out = " ".join(cli("model", "-f", output_format).stdout.split())
    assert ("La table des situations du CMG (CMGF 2022) nomme ses rangées « 1re, 2e, 3e "
            "ligne » sous le titre « niveaux de recours ».") in out
    assert ("c'est le choix de lecture de cette grille, pas une distinction que le CMG "
            "formule. La ligne est la place d'une ressource") in out
    assert ("Exemple : pour « Anxio-dépression, troubles somatoformes, retentissement sur le "
            "travail », le niveau 3 appelle Psychiatre libéral (2e ligne de "
            "l'organisation), Centre médico-psychologique (adultes) (2e ligne de "
            "l'organisation).") in out
    assert ("Le même type, à des niveaux différents : Psychiatre libéral est au niveau 3 pour "
            "« Anxio-dépression, troubles somatoformes, retentissement sur le travail », au "
            "niveau 2 pour « Troubles psychiatriques") in out  # seed cells only
    assert ("Niveau 3 — recours renforcé. Un avis ou une prise en charge plus spécialisés, "
            "propres à la situation") in out


@pytest.mark.parametrize("command", [("model",), ("situations",), ("show", "psychiatrie")])
@pytest.mark.parametrize("output_format", ["text", "markdown", "html"])
def test_trainer_pages_write_their_file_in_utf8(cli, tmp_path, monkeypatch, command,
                                               output_format):
    # -o rather than « > »: Windows PowerShell's redirection writes UTF-16
    monkeypatch.setenv("COLUMNS", "100")  # the screen as wide as the file's text
    target = tmp_path / f"page.{output_format}"
    shown = cli(*command, "-f", output_format).stdout
    written = cli(*command, "-f", output_format, "-o", str(target))
    assert written.exit_code == 0 and written.stdout == ""
    assert f"Écrit dans {target}" in written.stderr
    text = target.read_bytes().decode("utf-8")  # strict: fails on anything but UTF-8
    if output_format == "text":  # plain, 100 columns, the same words as on screen
        assert "\x1b[" not in text and max(len(line) for line in text.splitlines()) <= 100
        assert text == shown
    else:
        assert text == shown
    assert "é" in text


def test_the_situations_page_gives_each_level_column_its_colour(cli):
    page = cli("situations", "-f", "html").stdout
    for level, colour in (("1", "#1b7f3b"), ("2", "#1f5fa8"), ("3", "#7a3fa0")):
        assert f'<th class="l{level}">Niveau {level} — {level}' in page
        assert f"th.l{level}{{border-top:.5em solid {colour}}}" in page


def test_the_model_page_does_not_colour_lines_as_levels(cli):
    page = cli("model", "-f", "html").stdout
    assert "<strong>2e ligne — Soins secondaires</strong>" in page
    assert 'class="l' not in page  # the levels' colours are for levels (show, situations)


def test_model_table_places_every_kind_the_situations_call(cli):
    out = cli("model", "-f", "markdown").stdout
    rows = {line.split("|")[1].split("<br>")[0].strip(" *"): line.split("|")[2:5]
            for line in out.splitlines() if line.startswith("| **")}
    assert list(rows) == ["1re ligne — Soins de santé primaires", "2e ligne — Soins secondaires",
                          "3e ligne — Recours territorial"]
    cell = {(line, field): [kind.strip() for kind in text.split(", ")]
            for line, texts in zip((1, 2, 3), rows.values(), strict=True)
            for field, text in zip(("sanitaire", "medico-social", "social"), texts, strict=True)}
    # named by the source: no mark; placed by the grid (the missing ones): « * », tied
    # to its kind by a no-break space (a printed page never starts a line with it)
    assert "Centre médico-psychologique (adultes)" in cell[2, "sanitaire"]
    assert "Médecine du travail\u00a0\\*" in cell[2, "sanitaire"]
    assert "CSAPA\u00a0\\*" in cell[2, "medico-social"]
    assert "Maison des adolescents\u00a0\\*" in cell[2, "medico-social"]
    assert "Hospitalisation psychiatrique (CHS)\u00a0\\*" in cell[3, "sanitaire"]
    assert "CAMSP\u00a0\\*" in cell[3, "medico-social"]
    assert "Médecine scolaire\u00a0\\*" in cell[2, "social"]
    assert "Orthophoniste\u00a0\\*" in cell[1, "sanitaire"]
    # escaped: in Markdown a line starting with « * » is a list item, not the table's mark
    assert ("\\* Placé par la grille selon sa nature : la source ne le nomme pas dans cette "
            "case.") in out
    # the 3rd line's médico-social cell of the source: ESAT / SESSAD, lieux de vie et
    # d'hébergement (FAM, SAMSAH), dispositifs spécialisés — IME, ITEP, MAS, SAVS are the grid's
    for kind in ("IME", "ITEP", "MAS", "SAVS"):
        assert any(f"({kind})\u00a0\\*" in k for k in cell[3, "medico-social"]), kind
    assert any(k.startswith("ESAT") and "*" not in k for k in cell[3, "medico-social"])
    assert any(k.startswith("Clinique psychiatrique") and "\\*" in k for k in cell[3, "sanitaire"])
    # kinds of the organisation that no situation calls are said as such
    assert any(k.startswith("Caisse primaire") and k.endswith("\u00a0°") or
               k.startswith("CPAM") and k.endswith("\u00a0°") for k in cell[3, "social"]), cell[
        3, "social"]
    assert "Psychiatre libéral" in cell[2, "sanitaire"]  # called: no « ° »
    assert ("° Aucune situation de la grille n'appelle ce type : il a sa place dans "
            "l'organisation des soins, hors des recours de la grille, sauf si un territoire l'y "
            "place à la main (level, situations).") in out


def test_a_grid_adapted_before_the_names_of_levels_and_lines_still_loads(cli, tmp_path):
    grids = copy_grids(tmp_path)
    model = grids / "model.yaml"
    text = model.read_text(encoding="utf-8")
    old = "\n".join(line for line in text.splitlines()
                    if not re.match(r"\s+name: \"(niveau \d|urgence|\de? ?r?e? ligne)\"$", line))
    assert old.count("name:") == text.count("name:") - 7  # four levels, three lines
    model.write_text(old + "\n", encoding="utf-8")
    assert cli("grid", "validate", str(grids)).exit_code == 0
    out = " ".join(cli("model", "--grids", str(grids)).stdout.split())
    assert "le Niveau 3 — recours renforcé appelle Psychiatre libéral (Soins secondaires" in out


def test_validate_checks_where_the_model_table_places_kinds(cli, tmp_path):
    grids = copy_grids(tmp_path)
    model = grids / "model.yaml"
    text = model.read_text(encoding="utf-8")
    # CSAPA moved to the sanitaire column (wrong field), CAMSP dropped from the table
    text = text.replace("      medico-social: [csapa, cjc,", "      medico-social: [cjc,").replace(
        "      sanitaire: [addictologue, medecine-travail,",
        "      sanitaire: [addictologue, medecine-travail, csapa,").replace(
        "      medico-social: [camsp, ime,", "      medico-social: [ime,")
    model.write_text(text, encoding="utf-8")
    out = cli("grid", "validate", str(grids))
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "medecine-travail, csapa" in row)
    assert (f"model.yaml:{line}:51: type « csapa » du champ medico-social, placé dans la "
            "colonne sanitaire (déplacez-le dans medico-social)") in out.stdout
    assert ("enfant-apprentissages.yaml:14:5: avertissement : type « camsp » absent du tableau "
            "ligne × champ : ajoutez-le aux « placed » d'une ligne de model.yaml") in out.stdout
    assert "1 erreur, 1 avertissement" in out.stdout and out.exit_code == 3


def test_the_compact_diagram_puts_the_levels_side_by_side_without_link_labels(cli):
    # its rendering (landscape, 1920×1080, nothing overlapping) is checked in test_diagrams
    out = cli("show", "psychiatrie", "-f", "mermaid-niveaux").stdout
    lines = out.splitlines()
    assert lines[1] == "flowchart TB"  # top down, so the levels stand side by side
    assert "le niveau le plus élevé dont une condition est remplie" in lines[2]
    assert not any("-->|" in line or '-- "' in line for line in lines)  # nothing to overlap
    boxes = {line.split("[", 1)[0].strip(): line for line in lines if line.strip().startswith("C_")}
    assert list(boxes) == ["C_urgence", "C_3", "C_2", "C_1"]
    # each rule by its criterion, in a few words: a relapse with a severe impact in level 3's
    # box only, a relapse alone in level 2's
    assert "• Décompensation avec retentissement sévère<br/>" in boxes["C_3"]
    assert "retentissement sévère" not in boxes["C_2"]
    assert "• Signes de décompensation<br/>" in boxes["C_2"]
    assert "Danger pour autrui" in boxes["C_urgence"]
    # the situation's own urgence rule stands with the red flags
    assert "Épisode psychotique ou maniaque du post-partum" in boxes["C_urgence"]
    assert all(f"S --> C_{lv} --> L_{lv}" in out for lv in ("urgence", "3", "2", "1"))


def test_a_session_can_keep_to_one_difficulty(cli):
    data = yaml.safe_load((ROOT / "grids" / "training" / "vignettes.yaml").read_text("utf-8"))
    hard = {v["story"].split(",")[0] for v in data["vignettes"] if v["difficulty"] == "difficile"}
    out = cli("train", "--difficulte", "difficile", "--export", "markdown", "-n", "24").stdout
    titles = re.findall(r"^## Vignette \d+ — .* · (\w+)$", out, re.M)
    assert titles and set(titles) == {"difficile"} and len(titles) == len(hard)
    assert all(start in out for start in hard)
    # nothing left to play (no hard vignette of addictions): said, not an empty quiz
    assert not any(v["situation"] == "addictions" and v["difficulty"] == "difficile"
                   for v in data["vignettes"])
    none = cli("train", "-s", "addictions", "--difficulte", "difficile")
    assert none.exit_code == 2
    assert "aucune vignette ne correspond à ces critères" in none.stderr


def test_grid_schema_describes_the_vignettes_files(cli):
    schema = json.loads(cli("grid", "schema", "--vignettes").stdout)
    vignette = schema["$defs"]["Vignette"]
    assert schema["title"] == "Vignettes gradation"
    assert {"id", "situation", "story", "answers", "level"} <= set(vignette["required"])
    assert {"teaching", "difficulty"} <= set(vignette["properties"])


def test_only_plays_the_vignettes_named_in_their_order(cli):
    ids = [v["id"] for v in VIGNETTES]
    picked = [ids[5], ids[0]]
    out = cli("train", "--only", ",".join(picked), "--export", "markdown").stdout
    stories = {v["id"]: " ".join(v["story"].split())[:30] for v in VIGNETTES}
    flat_out = " ".join(out.split())
    assert out.count("\n## Vignette ") == 2
    assert 0 <= flat_out.index(stories[ids[5]]) < flat_out.index(stories[ids[0]])
    wrong = cli("train", "--only", ids[0] + "x", "--export", "markdown")
    assert wrong.exit_code == 2 and f"vouliez-vous dire « {ids[0]} »" in wrong.stderr


def test_train_list_names_each_vignette_with_its_situation_and_difficulty(cli):
    import yaml

    data = yaml.safe_load((ROOT / "grids" / "training" / "vignettes.yaml").read_text("utf-8"))
    out = cli("train", "--list").stdout.splitlines()
    assert out[-1] == f"{len(data['vignettes'])} vignettes."
    first = data["vignettes"][0]
    assert out[0].startswith(f"{first['id']} — ") and out[0].endswith(
        f" — {first['difficulty']}")
    only = cli("train", "--list", "-s", "gaja").stdout.splitlines()[:-1]
    assert only and all("Grands adolescents" in line for line in only)
