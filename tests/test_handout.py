"""The session's handout (`train --export`): dated, with its seed, the seed's tables, the
vignettes, the full answer key (story, level, delay, reasons, resources with their line, point
to remember), one part alone on request; the situation hidden from the room on request."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys

import pexpect
import pytest


def handout(cli, *args: str) -> str:  # type: ignore[no-untyped-def]
    """The Markdown handout, its French no-break spaces as plain spaces."""
    result = cli("train", "--export", "markdown", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.replace("\u00a0", " ").replace("\u202f", " ")


MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]


def test_the_handout_is_dated_and_names_its_seed(cli):
    out = handout(cli, "--seed", "5", "-n", "2")
    today = dt.date.today()
    day = "1er" if today.day == 1 else str(today.day)
    assert f"Séance du {day} {MONTHS[today.month - 1]} {today.year}. Tirage 5 :" in out
    assert "--seed 5) suit le même ordre." in out
    # the seed's tables, with their source, before the vignettes
    tables = out[:out.index("\n## Vignette 1")]
    assert "## L'organisation en trois lignes" in tables
    assert "| situation | Niveau 1 — 1re ligne du tableau CMG (proximité) |" in tables
    assert tables.count("Source : CMGF 2022, table des situations (d'après CMG 2019).") == 2


def test_one_part_alone_for_the_room_or_for_the_trainer(cli):
    room = handout(cli, "-n", "3", "--partie", "vignettes")
    assert room.count("\n## Vignette ") == 3 and room.count("☐ Urgence") == 3
    assert "Corrigé" not in room and "Réponse :" not in room and "À retenir" not in room
    assert "## L'organisation" not in room and room.startswith("# Entraînement à la "
                                                                "gradation des soins en santé "
                                                                "mentale — vignettes")
    trainer = handout(cli, "-n", "3", "--partie", "corrige")
    assert "☐" not in trainer and trainer.count("\n### Vignette ") == 3
    assert trainer.count("Réponse : ") == 3 and "— corrigé" in trainer


def test_the_answer_key_says_the_line_of_a_resource_of_another_level(cli):
    out = handout(cli, "--only", "anxio-depression-severe")
    key = " ".join(out[out.index("## Corrigé"):].split())
    assert "Mme R., 52 ans, ne sort plus de chez elle" in key  # the story again
    assert "Réponse : Niveau 3 — recours renforcé · " in key
    assert "case : " in key  # each reason with its source and its cell
    # level 3 of anxio-dépression calls the psychiatrist and the CMP, 2nd-line resources
    assert "Psychiatre libéral (2e ligne de l'organisation)" in key
    assert "Centre médico-psychologique (adultes) (2e ligne de l'organisation)" in key


def test_the_situation_can_be_hidden_from_the_room(cli, tmp_path):
    out = handout(cli, "--only", "psychiatrie-rupture,gaja-decrochage",
              "--masquer-situation")
    questions, key = out.split("## Corrigé")
    assert "## Vignette 1 · difficile\n" in questions and "## Vignette 2 · moyenne\n" in questions
    assert "Troubles psychiatriques" not in questions.split("## Vignette 1")[1]
    assert "### Vignette 1 — Troubles psychiatriques" in key  # the key names it
    deck = tmp_path / "seance.html"
    assert cli("train", "--presentation", "--only", "psychiatrie-rupture",
               "--masquer-situation", "-o", str(deck)).exit_code == 0
    page = deck.read_text(encoding="utf-8")
    assert "<h2>Vignette 1/1</h2>" in page
    answer = page[page.index("<div class='answer' hidden>"):]
    assert answer.startswith("<div class='answer' hidden><p>Situation : Troubles psychiatriques")


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")
def test_the_quiz_hides_the_situation_and_says_the_line_of_each_resource(tmp_path):
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "train", "--salle",
                                           "--masquer-situation", "--only",
                                           "anxio-depression-severe"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, 120))
    child.expect_exact("Votez :")
    head = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before)
    assert "1/1" in head and "Anxio-dépression" not in head
    child.send("\r")
    child.expect_exact("Fin de la séance")
    shown = " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before).split())
    assert "Psychiatre libéral (2e ligne de l'organisation)" in shown
    assert "Situation : Anxio-dépression, troubles somatoformes" in shown
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_every_built_in_vignette_has_its_own_teaching_point():
    import yaml
    from conftest import ROOT

    data = yaml.safe_load((ROOT / "grids" / "training" / "vignettes.yaml").read_text("utf-8"))
    points = {v["id"]: " ".join(str(v.get("teaching") or "").split()) for v in data["vignettes"]}
    assert len(points) >= 26
    assert [vid for vid, text in points.items() if len(text) < 60] == []
    assert len(set(points.values())) == len(points)  # none copied from another
