"""The consultation as a GP sees it at 80×24: the decision in view when asked what to do next.

A real pseudo-terminal (pexpect) runs `gradation orient`; a terminal emulator (pyte) reads what
it wrote, and the test looks at the 24 lines on screen when « Et maintenant ? » is asked.
"""

from __future__ import annotations

import io
import os
import sys

import pexpect
import pyte
import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")

DEMO = str(ROOT / "grids" / "territories" / "demo.yaml")
CALM = {"commune": "99001", "tentative_recente": "non", "mise_en_danger": "non",
        "danger_autrui": "non", "confusion": "non", "intoxication_aigue": "non",
        "agitation": "non", "enfant_en_danger": "non", "retentissement": "leger",
        "echec_soins_anterieurs": "aucun", "maltraitance_suspectee": "non",
        "perinatalite": "aucun", "suivi_psychiatrique": "non", "tentative_evaluee": "non"}


def screen_at_what_next(tmp_path, situation: str, typed: list[tuple[str, str]],
                        answers: dict[str, str]) -> list[str]:
    """Run an orientation, typing `typed` at their prompts; the 80×24 screen once « Et
    maintenant ? » and its choices are drawn."""
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "c")}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    flags = [f"--answer={k}={v}" for k, v in answers.items()]
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "orient", "-t", DEMO, "-s",
                                           situation, *flags], env=env, encoding="utf-8",
                          timeout=30, dimensions=(24, 80))
    child.logfile_read = io.StringIO()
    for prompt, keys in typed:
        child.expect_exact(prompt)
        child.send(keys)
    if child.expect_exact(["Vérifiez les réponses", "Et maintenant ?"]) == 0:
        child.send("\r")
        child.expect_exact("Et maintenant ?")
    child.expect_exact("Terminer")  # the prompt's first choice: the screen is drawn
    seen = child.logfile_read.getvalue()
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(seen.replace("\n", "\r\n") if "\r\n" not in seen else seen)
    return [line.rstrip() for line in screen.display]


def on_screen(lines: list[str], *texts: str) -> None:
    shown = "\n".join(lines)
    flat = " ".join(shown.replace("│", " ").split())
    for text in texts:
        assert text in flat, f"« {text} » is not on the screen:\n{shown}"


def test_a_rapid_opinion_shows_level_delay_and_whom_to_call_when_asked_what_next(tmp_path):
    # demo.yaml: no psychiatric resource sees a first episode within the week; the crisis
    # centre of Boisjoli (01 99 00 09 02) declares an urgent slot the same day.
    lines = screen_at_what_next(tmp_path, "psychiatrie", [("Âge du patient", "30\r")], {
        **CALM, "risque_suicidaire": "aucun", "premier_episode": "oui", "decompensation": "non",
        "rupture_de_soins": "non"})
    on_screen(lines, "Niveau 2 — recours spécialisé", "Avis rapide — dans la semaine",
              "Centre d'accueil et de crise de Boisjoli — 01 99 00 09 02",
              "place urgente le jour même", "Et maintenant ?")


def test_within_72_hours_for_a_minor_at_medium_suicide_risk(tmp_path):
    lines = screen_at_what_next(tmp_path, "adolescent", [("Âge du patient", "15\r")], {
        **CALM, "risque_suicidaire": "moyen", "automutilations": "non", "refus_scolaire": "non",
        "troubles_alimentaires": "non", "symptomes_psychotiques": "non"})
    on_screen(lines, "sous 72 h", "Revoir le patient sous 48 à 72 h",
              "3114 prévention du suicide", "Et maintenant ?")


def test_an_emergency_shows_the_15_and_the_emergency_department(tmp_path):
    lines = screen_at_what_next(tmp_path, "psychiatrie", [
        ("Risque suicidaire", "\x1b[B" * 3 + "\r")], {**CALM, "age": "30"})
    on_screen(lines, "URGENCE", "Appeler le 15 (SAMU), ou adresser aux urgences sans délai",
              "Centre hospitalier de Valdeville — urgences — 01 99 00 09 01", "Et maintenant ?")


def orient_at_80_by_24(tmp_path):  # type: ignore[no-untyped-def]
    """`gradation orient` in a real 80×24 terminal, at its first screen (what it writes kept
    in `logfile_read`)."""
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "c")}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "orient", "-t", DEMO], env=env,
                          encoding="utf-8", timeout=30, dimensions=(24, 80))
    child.logfile_read = io.StringIO()
    child.expect_exact("Situation clinique")
    return child


def test_the_situation_menu_is_whole_at_80_columns(tmp_path, grid):
    child = orient_at_80_by_24(tmp_path)
    last = grid.situations[list(grid.situations)[-1]].spec.description.split()[-1]
    child.expect_exact(last)  # the menu is drawn to its last line
    seen = child.logfile_read.getvalue()
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(seen)
    words = " ".join(" ".join(screen.display).split())
    for situation in grid.situations.values():
        # every label and description word for word, whatever the wrapping: nothing cut
        assert " ".join(situation.label.split()) in words, situation.id
        assert " ".join(situation.spec.description.split()) in words, situation.id
    assert words.count("(11 à 17 ans)") == 1  # the adolescent's ages, said once


def test_an_age_outside_the_situation_says_so_in_one_line_and_leads_back(tmp_path):
    child = orient_at_80_by_24(tmp_path)
    child.send("\x1b[B" * 4 + "\r")  # gaja, 15 to 25
    child.expect_exact("Âge du patient")
    child.send("40\r")
    child.expect_exact("changer de situation.")
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(child.logfile_read.getvalue())
    shown = [line.rstrip() for line in screen.display]
    assert "Situation prévue de 15 à 25 ans ; < : changer de situation." in shown
    child.send("\x7f\x7f<\r")  # erased, then back to the situation menu
    child.expect_exact("Situation clinique")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
