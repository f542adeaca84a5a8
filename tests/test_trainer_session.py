"""Issue 18's « done when », end to end, as a trainer works from the README: ten vignettes of
their own in a file, validated, projected in room mode, handed out in Markdown. The oracle is
the trainer's own file (the expected levels) and the model's labels, read with PyYAML."""

from __future__ import annotations

import os
import re
import sys

import pexpect
import pytest
import yaml
from conftest import ROOT

CALM = ("risque_suicidaire: aucun, danger_autrui: non, agitation: non, confusion: non, "
        "intoxication_aigue: non, tentative_recente: non, mise_en_danger: non, "
        "enfant_en_danger: non, echec_soins_anterieurs: aucun")
# ten vignettes over the five situations, every level; some without a commune
VIGNETTES = f"""\
# Soirée de formation de la CPTS (cas fictifs)
vignettes:
  - id: v1-depression-legere
    situation: anxio-depression
    story: "Mme A., 42 ans, triste depuis sa séparation, continue de travailler."
    answers: {{age: 42, {CALM}, retentissement: leger, retentissement_travail: non,
              doute_diagnostique: non}}
    level: "1"
    teaching: "Une dépression légère se soigne en proximité."
    difficulty: facile
  - id: v2-conflit-travail
    situation: anxio-depression
    story: "M. B., 51 ans, épuisé, en conflit au travail, en arrêt depuis deux semaines."
    answers: {{age: 51, {CALM}, retentissement: modere, retentissement_travail: oui,
              doute_diagnostique: non}}
    level: "2"
  - id: v3-phq9-severe
    situation: anxio-depression
    story: "Mme C., 35 ans, PHQ-9 à 22, ne se lève plus."
    answers: {{age: 35, commune: "99001", {CALM}, retentissement: modere, phq9: 22,
              retentissement_travail: non, doute_diagnostique: non}}
    level: "3"
  - id: v4-corde
    situation: anxio-depression
    story: "M. D., 60 ans, veuf, a acheté une corde."
    answers: {{age: 60, risque_suicidaire: eleve}}
    level: urgence
  - id: v5-alcool
    situation: addictions
    story: "M. E., 45 ans, AUDIT à 24, souhaite arrêter."
    answers: {{age: 45, {CALM}, retentissement: modere, produit: alcool, audit: 24,
              dependance: oui, sevrage_complique: non, retentissement_travail: non}}
    level: "2"
  - id: v6-tabac
    situation: addictions
    story: "Mme F., 38 ans, fume vingt cigarettes par jour et veut arrêter."
    answers: {{age: 38, {CALM}, retentissement: leger, produit: tabac, dependance: oui,
              sevrage_complique: non, retentissement_travail: non}}
    level: "1"
    teaching: "Le tabac se sevre en proximité, avec le 39 89."
  - id: v7-dyslexie
    situation: enfant-apprentissages
    story: "Léo, 7 ans, ne sait pas lire ; l'enseignante évoque une dyslexie."
    answers: {{age: 7, {CALM}, maltraitance_suspectee: non,
              retentissement: modere, suspicion_tnd: oui, troubles_psychiques_associes: non}}
    level: "2"
  - id: v8-voix
    situation: psychiatrie
    story: "M. G., 30 ans, entend des voix depuis trois semaines."
    answers: {{age: 30, {CALM}, retentissement: modere, premier_episode: oui,
              decompensation: non, rupture_de_soins: non}}
    level: "2"
    difficulty: facile
  - id: v9-rechute
    situation: psychiatrie
    story: "Mme H., 40 ans, bipolaire connue, rechute et ne s'alimente plus."
    answers: {{age: 40, {CALM}, retentissement: severe, premier_episode: non,
              decompensation: oui, rupture_de_soins: non}}
    level: "3"
  - id: v10-fac
    situation: gaja
    story: "Inès, 19 ans, a quitté la fac et reste dans sa chambre."
    answers: {{age: 19, {CALM}, retentissement: modere, decrochage: oui,
              conduites_a_risque: non, symptomes_psychotiques: non}}
    level: "2"
"""


@pytest.fixture
def session(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "mes-vignettes.yaml"
    path.write_text(VIGNETTES, encoding="utf-8")
    data = yaml.safe_load(VIGNETTES)["vignettes"]
    model = yaml.safe_load((ROOT / "grids" / "model.yaml").read_text(encoding="utf-8"))
    labels = {level["id"]: level["label"] for level in model["levels"]}
    return path, data, labels


def test_the_trainers_ten_vignettes_validate(cli, session):
    path, data, _ = session
    assert len(data) == 10
    result = cli("grid", "validate", str(path))
    assert result.exit_code == 0 and "Aucun problème" in result.stdout, result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")
def test_the_ten_vignettes_in_room_mode_each_revealed_after_the_vote(tmp_path, session):
    path, data, labels = session
    stories = {" ".join(v["story"].split())[:30]: labels[v["level"]] for v in data}
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "train", "--vignettes", str(path),
                                           "--salle", "-n", "10", "--seed", "7"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, 120))
    shown = []
    for _ in range(10):
        child.expect_exact("(Entrée pour révéler)")
        screen = " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|[│╭╮╰╯─]", " ", child.before).split())
        story = next(start for start in stories if start in screen)
        assert "Réponse :" not in screen.split(story)[-1]  # nothing revealed before the vote
        child.send("\r")
        child.expect(r"Réponse : ([^\r\n]+)")
        answer = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.match.group(1)).strip()
        assert answer == stories[story], story
        shown.append(story)
        if len(shown) < 10:
            child.expect_exact("Entrée : vignette suivante")
            # the answer stays while the room discusses it: the next story waits for Enter
            with pytest.raises(pexpect.TIMEOUT):
                child.expect_exact("(Entrée pour révéler)", timeout=0.5)
            child.send("\r")
    child.expect_exact("Fin de la séance : 10 vignettes.")
    child.expect(pexpect.EOF)
    assert sorted(shown) == sorted(stories)  # each vignette once


def test_the_handout_has_the_ten_stories_then_the_answer_key(cli, tmp_path, session):
    path, data, labels = session
    out = tmp_path / "support.md"
    result = cli("train", "--vignettes", str(path), "--export", "markdown", "-n", "10",
                 "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    text = text.replace("\u00a0", " ").replace("\u202f", " ")  # French no-break spaces
    questions, key = text.split("## Corrigé")
    # the stories in the file's order, with boxes to tick and no answer before the key
    assert [" ".join(v["story"].split()) in questions for v in data] == [True] * 10
    assert questions.count("☐ Niveau 1 — proximité") == 10
    for label in labels.values():
        assert f": {label}" not in questions
    answers = key.split("\n### Vignette ")[1:]
    for i, (vignette, answer) in enumerate(zip(data, answers, strict=True), 1):
        assert answer.startswith(f"{i} — ")
        assert f"Réponse : {labels[vignette['level']]} · " in answer
    assert "À retenir : Le tabac se sevre en proximité, avec le 39 89." in key
    assert "## Vignette 8 — Troubles psychiatriques (psychose, trouble bipolaire …) · facile" \
        in questions


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")
def test_in_room_mode_the_answer_is_on_a_66_by_19_screen_until_enter(tmp_path, session):
    import io

    import pyte

    path, _, _ = session
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "train", "--vignettes", str(path),
                                           "--salle", "-n", "2", "--seed", "7"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(19, 66))
    child.logfile_read = io.StringIO()
    child.expect_exact("révéler)")  # wrapped at 66 columns
    child.send("\r")
    child.expect_exact("Entrée : vignette suivante")
    screen = pyte.Screen(66, 19)
    pyte.Stream(screen).feed(child.logfile_read.getvalue())
    assert any(line.startswith("Réponse :") for line in screen.display), screen.display
    child.send("\r")
    child.expect_exact("révéler)")  # wrapped at 66 columns
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
