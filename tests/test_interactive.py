"""The questionnaire: the logic with a scripted asker, the questionary adapter with a pipe, and
real runs in a pseudo-terminal (pexpect), one per flow."""

from __future__ import annotations

import io
import os
import re
import sys
from typing import Any

import pexpect
import pytest
from conftest import ROOT

from gradation.consult.interview import BACK, interview
from gradation.core.decision import decide

TERRITORY = str(ROOT / "tests" / "cases" / "territoire.yaml")
DOWN, ENTER, CTRL_C, LEFT = "\x1b[B", "\r", "\x03", "\x1b[D"


class Script:
    """An asker that answers from a list and records what it was asked."""

    def __init__(self, replies: list[Any], review: list[Any] | None = None) -> None:
        self.replies = list(replies)
        self.reviews = list(review or [None])
        self.asked: list[str] = []

    def question(self, question, current, can_go_back, situation):  # type: ignore[no-untyped-def]
        self.asked.append(question.id)
        return self.replies.pop(0)

    def review(self, situation, answers):  # type: ignore[no-untyped-def]
        self.asked.append("<review>")
        return self.reviews.pop(0)


# age, commune, the suicide risk, the seven yes/no red flags, the four context questions, then
# the impact and earlier care
FLAGS = ["tentative_recente", "mise_en_danger", "danger_autrui", "agitation", "confusion",
         "intoxication_aigue", "enfant_en_danger"]
CONTEXT = ["perinatalite", "suivi_psychiatrique", "tentative_evaluee", "maltraitance_suspectee"]
BASE = [30, "99001", "aucun", *[False] * 7, "aucun", False, False, False, "leger", "aucun"]


def test_interview_asks_the_path_in_order(grid):
    psy = grid.situations["psychiatrie"]
    script = Script([*BASE, False, False, False])
    answers = interview(grid, psy, {}, script)
    assert script.asked == ["age", "commune", "risque_suicidaire", *FLAGS, *CONTEXT,
                            "retentissement", "echec_soins_anterieurs", "premier_episode",
                            "decompensation", "rupture_de_soins", "<review>"]
    assert decide(grid, psy, answers).level == "1"


def test_a_question_that_would_add_a_reason_is_asked_even_once_the_level_is_known(grid):
    psy = grid.situations["psychiatrie"]
    script = Script([*BASE, True, False, False])
    answers = interview(grid, psy, {}, script)
    # a first episode decides level 2 « avis rapide », but a relapse or a break in care would
    # each add a reason (and what the letter says): they are asked
    assert script.asked[-4:] == ["premier_episode", "decompensation", "rupture_de_soins",
                                 "<review>"]
    result = decide(grid, psy, answers)
    assert (result.level, result.delay, result.not_asked) == ("2", "rapide", [])
    # a red flag still to come is never skipped
    assert "danger_autrui" in script.asked


def test_only_what_changes_nothing_is_left_out_and_the_script_may_leave_it_out_too(grid):
    from gradation.core.settle import result_for

    # a grid whose last question changes nothing: the questionnaire stops before it, and a
    # script that leaves it out gets the same result, which lists it as not asked
    psy = grid.situations["psychiatrie"]
    inert = psy.question("rupture_de_soins")
    assert inert is not None
    answers = dict(zip(["age", "commune", "risque_suicidaire", *FLAGS, *CONTEXT,
                        "retentissement", "echec_soins_anterieurs", "premier_episode",
                        "decompensation"], [*BASE, True, False], strict=True))
    reading = {"rupture-de-soins", "post-partum-rupture", "grossesse-rupture"}
    assert reading <= {r.id for r in psy.rules}
    quiet = psy.__class__(**{**vars_of(psy),
                             "rules": [r for r in psy.rules if r.id not in reading]})
    result = result_for(grid, quiet, answers)
    assert result.not_asked == ["rupture_de_soins"]
    with pytest.raises(Exception, match="rupture_de_soins"):
        result_for(grid, psy, answers)  # with its rules, it is missing


def vars_of(situation: Any) -> dict[str, Any]:
    import dataclasses

    return {f.name: getattr(situation, f.name) for f in dataclasses.fields(situation)}


class Screens(Script):
    """A GP with the red-flag checklist and the context checklist on one screen each, as the
    terminal offers them."""

    def checklist(self, questions, can_go_back, situation, ticked=None):  # type: ignore[no-untyped-def]
        self.asked.append("<checklist:" + ",".join(q.id for q in questions) + ">")
        return set()

    def signs(self, questions, can_go_back, situation, ticked=None):  # type: ignore[no-untyped-def]
        self.asked.append("<signs:" + ",".join(q.id for q in questions) + ">")
        return {q.id for q in questions if q.id in self.ticked}

    ticked: set[str] = set()

    def context(self, questions, can_go_back, situation, before=None):  # type: ignore[no-untyped-def]
        self.asked.append("<context:" + ",".join(q.id for q in questions) + ">")
        return {q.id: False if q.type == "boolean" else q.values[0].id for q in questions}


def test_the_readme_first_episode_takes_nine_screens_after_the_situation(grid):
    psy = grid.situations["psychiatrie"]
    script = Screens([34, "99001", "faible", "modere", "aucun"])
    script.ticked = {"premier_episode"}
    answers = interview(grid, psy, {}, script)
    assert script.asked == [
        "age", "commune", "risque_suicidaire", "<checklist:" + ",".join(FLAGS) + ">",
        "<context:" + ",".join(CONTEXT) + ">", "retentissement", "echec_soins_anterieurs",
        "<signs:premier_episode,decompensation,rupture_de_soins>", "<review>"]
    assert answers["decompensation"] is False and answers["rupture_de_soins"] is False
    assert decide(grid, psy, answers).level == "2"


def test_a_minor_is_asked_about_suspected_maltreatment_which_is_no_red_flag(grid):
    enfant = grid.situations["enfant-apprentissages"]
    script = Script([8, "99001", "aucun", *[False] * 7, False, True, "leger", "aucun", False,
                     False])
    answers = interview(grid, enfant, {}, script)
    assert script.asked[:13] == ["age", "commune", "risque_suicidaire", *FLAGS,
                                 "tentative_evaluee", "maltraitance_suspectee", "retentissement"]
    assert script.asked[-1] == "<review>"  # the questionnaire went on to the end
    result = decide(grid, enfant, answers)
    assert result.level == "1" and [n.number for n in result.numbers] == ["119"]


def test_an_adult_is_asked_about_a_child_of_the_household(grid):
    psy = grid.situations["psychiatrie"]
    script = Screens([*BASE[:3], *BASE[14:], False, False, False])
    interview(grid, psy, {}, script)
    checklist = next(a for a in script.asked if a.startswith("<checklist:"))
    context = next(a for a in script.asked if a.startswith("<context:"))
    assert "enfant_en_danger" in checklist and "maltraitance_suspectee" in context


def test_preset_answers_are_not_asked_again(grid):
    psy = grid.situations["psychiatrie"]
    script = Script(BASE[2:] + [False, False, False])
    interview(grid, psy, {"age": 30, "commune": "99001"}, script)
    assert "age" not in script.asked and "commune" not in script.asked


def test_a_red_flag_stops_the_questionnaire(grid):
    psy = grid.situations["psychiatrie"]
    script = Script([30, None, "aucun", False, False, True])
    answers = interview(grid, psy, {}, script)
    assert script.asked[-1] == "danger_autrui" and "<review>" not in script.asked
    assert decide(grid, psy, answers).level == "urgence"


def test_going_back_drops_the_abandoned_branch(grid):
    addictions = grid.situations["addictions"]
    # alcool, AUDIT 25, then back twice to change the product to tabac: AUDIT must be gone.
    script = Script([*BASE, "alcool", 25, BACK, BACK, "tabac", False, False])
    answers = interview(grid, addictions, {}, script)
    assert "audit" not in answers
    result = decide(grid, addictions, answers)
    assert result.level == "1" and result.ignored == []


def test_review_changes_an_answer_and_drops_what_no_longer_applies(grid):
    addictions = grid.situations["addictions"]
    script = Script([*BASE, "alcool", 25, False, False, False, "cannabis", 3],
                    review=["produit", None])
    answers = interview(grid, addictions, {}, script)
    assert "audit" not in answers and "sevrage_complique" not in answers
    assert answers["produit"] == "cannabis" and answers["cast"] == 3
    assert script.asked.count("<review>") == 2


def test_questionary_adapter_with_a_pipe(grid):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from gradation.consult.prompts import QuestionaryAsker

    psy = grid.situations["psychiatrie"]
    with create_pipe_input() as pipe:
        asker = QuestionaryAsker(grid, None, input=pipe, output=DummyOutput())
        pipe.send_text("abc\r" + "\x7f" * 3 + "200\r" + "\x7f" * 3 + "12\r" + "\x7f" * 2 + "40\r")
        assert asker.question(psy.question("age"), None, False, psy) == 40
        pipe.send_text(DOWN + ENTER)
        assert asker.question(psy.question("premier_episode"), None, True, psy) is True
        pipe.send_text(DOWN + DOWN + ENTER)
        assert asker.question(psy.question("decompensation"), None, True, psy) is BACK
        pipe.send_text("<\r")
        assert asker.question(grid.situations["anxio-depression"].question("phq9"), None, True,
                              psy) is BACK
        pipe.send_text("\r")
        assert asker.question(grid.situations["anxio-depression"].question("phq9"), None, True,
                              psy) is None
        pipe.send_text("non évalué\r")
        assert asker.question(grid.situations["anxio-depression"].question("gad7"), None, True,
                              psy) is None
        pipe.send_text("16\r")
        assert asker.question(grid.situations["anxio-depression"].question("gad7"), None, True,
                              psy) == 16


# --- Real runs in a pseudo-terminal ------------------------------------------------------------

pytestmark_pty = pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")


def spawn(*args: str, tmp_path) -> pexpect.spawn:  # type: ignore[no-untyped-def]
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "100",
           "LINES": "40", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    return pexpect.spawn(sys.executable, ["-m", "gradation", "orient", "-t", TERRITORY, *args],
                         env=env, encoding="utf-8", timeout=20, dimensions=(40, 100))


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


COMMON = [("Âge du patient", "30" + ENTER), ("Commune de résidence", "99001" + ENTER),
          ("Risque suicidaire", ENTER), ("Signes d'urgence présents", ENTER),  # none ticked
          ("Contexte", ENTER),  # nothing ticked
          ("Retentissement fonctionnel", ENTER), ("Soins bien conduits", ENTER)]


@pytestmark_pty
def test_pty_full_orientation_with_review(tmp_path):
    child = spawn(tmp_path=tmp_path)
    answer(child, "Situation clinique", DOWN * 3 + ENTER)  # psychiatrie
    for prompt, keys in COMMON:
        answer(child, prompt, keys)
    # the situation's signs on one screen: a first episode ticked, the others « non »
    answer(child, "Présent chez ce patient ?", " " + ENTER)
    answer(child, "Vérifiez les réponses", ENTER)
    child.expect_exact("Niveau 2 — recours spécialisé")
    child.expect_exact("Soins partagés")
    # Then the letter for the specialist, written where the GP says.
    letter = tmp_path / "courrier.md"
    answer(child, "Et maintenant ?", DOWN + ENTER)
    answer(child, "Destinataire du courrier", ENTER)  # the psychiatrist, listed first
    answer(child, "Fichier à écrire", "\x7f" * 20 + str(letter) + ENTER)
    child.expect_exact("Écrit dans")
    answer(child, "Et maintenant ?", ENTER)  # Terminer
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = letter.read_text(encoding="utf-8")
    assert "\n# Demande d'avis spécialisé\n" in text and "**Dr X (psychiatre)**" in text
    assert "Chère consœur, cher confrère," in text


@pytestmark_pty
def test_pty_red_flag_stops_at_once(tmp_path):
    child = spawn("-s", "psychiatrie", tmp_path=tmp_path)
    answer(child, "Âge du patient", "30" + ENTER)
    answer(child, "Commune de résidence", ENTER)
    answer(child, "Risque suicidaire", DOWN * 3 + ENTER)  # élevé
    answer(child, "Contexte", ENTER)  # the one screen still shown, for the 119 route
    child.expect_exact("URGENCE")
    child.expect_exact("Et maintenant ?")
    assert "Danger pour autrui" not in child.before
    child.send(ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytestmark_pty
def test_pty_red_flags_on_one_screen_a_tick_ends_on_urgence(tmp_path):
    child = spawn("-s", "psychiatrie", tmp_path=tmp_path)
    answer(child, "Âge du patient", "30" + ENTER)
    answer(child, "Commune de résidence", ENTER)
    answer(child, "Risque suicidaire", ENTER)
    child.expect_exact("Signes d'urgence présents")
    child.expect_exact("Intoxication aiguë")  # every red flag on this one screen
    child.send(DOWN * 3 + " " + ENTER)  # the fourth: agitation
    # after a red flag, the context screen still comes (for the child-protection route)
    answer(child, "Contexte", ENTER)
    child.expect_exact("URGENCE")
    child.expect_exact("Agitation sévère ou état délirant aigu")
    child.expect_exact("Et maintenant ?")
    child.send(ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytestmark_pty
def test_pty_going_back_and_changing_an_answer(tmp_path):
    child = spawn("-s", "addictions", "-f", "json", tmp_path=tmp_path)
    for prompt, keys in COMMON:
        answer(child, prompt, keys)
    answer(child, "Produit ou comportement", ENTER)  # alcool
    answer(child, "Score AUDIT", "25" + ENTER)
    # the signs' checklist: a past complicated withdrawal ticked, then ← back: no box for it
    answer(child, "Antécédent de sevrage", " " + LEFT)
    child.expect_exact("cochés de nouveau au retour")
    child.expect_exact("Antécédent de sevrage")
    # the AUDIT given before is offered again (25): erased, then `<` to go back once more
    answer(child, "Score AUDIT", "\x7f" * 2 + "<" + ENTER)
    # the previous answer is offered: the pointer stands on « Alcool »; tabac is two down
    answer(child, "Produit ou comportement", DOWN * 2 + ENTER)
    answer(child, "Présent chez ce patient ?", ENTER)  # dependence, work: nothing ticked
    answer(child, "Vérifiez les réponses", ENTER)
    child.expect_exact('"level": "1"')
    rest = child.read()
    assert '"audit"' not in rest  # the abandoned branch's answer is gone
    child.close()
    assert child.exitstatus == 0


@pytestmark_pty
def test_pty_review_screen_changes_an_answer(tmp_path):
    child = spawn("-s", "psychiatrie", "-a", "age=30", "-a", "commune=99001", tmp_path=tmp_path)
    for prompt, keys in COMMON[2:]:
        answer(child, prompt, keys)
    answer(child, "Présent chez ce patient ?", ENTER)  # none of the three signs
    answer(child, "Vérifiez les réponses", DOWN * 3 + ENTER)  # risque suicidaire
    answer(child, "Risque suicidaire", DOWN * 2 + ENTER)  # moyen
    answer(child, "Vérifiez les réponses", ENTER)
    child.expect_exact("Niveau 2 — recours spécialisé")
    child.expect_exact("3114")
    answer(child, "Et maintenant ?", ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytestmark_pty
def test_pty_ctrl_c_interrupts_cleanly(tmp_path):
    child = spawn("-s", "psychiatrie", tmp_path=tmp_path)
    answer(child, "Âge du patient", "3")
    child.sendcontrol("c")
    child.expect_exact("Orientation interrompue.")
    rest = child.read()
    assert "Traceback" not in rest
    child.close()
    assert child.exitstatus == 130


def test_nothing_to_review_when_every_answer_came_from_the_command_line(grid):
    psy = grid.situations["psychiatrie"]
    preset = dict(zip(["age", "commune", "risque_suicidaire", *FLAGS, *CONTEXT, "retentissement",
                       "echec_soins_anterieurs", "premier_episode", "decompensation",
                       "rupture_de_soins"], [*BASE, True, False, False], strict=True))
    script = Script([])
    assert interview(grid, psy, preset, script) == preset
    assert script.asked == []


@pytestmark_pty
def test_pty_all_answers_given_shows_the_result_at_once(tmp_path):
    flags = [f"--answer={k}={v}" for k, v in {
        "age": 30, "commune": "99001", "risque_suicidaire": "aucun", "danger_autrui": "non",
        "agitation": "non", "confusion": "non", "intoxication_aigue": "non",
        "tentative_recente": "non", "mise_en_danger": "non", "enfant_en_danger": "non",
        "perinatalite": "aucun", "suivi_psychiatrique": "non", "tentative_evaluee": "non",
        "maltraitance_suspectee": "non",
        "retentissement": "leger", "echec_soins_anterieurs": "aucun", "premier_episode": "oui",
        "decompensation": "non", "rupture_de_soins": "non"}.items()]
    child = spawn("-s", "psychiatrie", *flags, tmp_path=tmp_path)
    child.expect_exact("Niveau 2 — recours spécialisé")
    child.expect(pexpect.EOF)
    assert "Vérifiez" not in child.before and "Et maintenant" not in child.before
    child.close()
    assert child.exitstatus == 0


def test_the_answered_line_carries_no_control_character_from_a_grid(grid):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from gradation.consult.prompts import QuestionaryAsker

    psy = grid.situations["psychiatrie"]
    hostile = psy.question("premier_episode").model_copy(
        update={"text": "Premier épisode\x1b[2J ?"})
    said: list[str] = []
    with create_pipe_input() as pipe:
        asker = QuestionaryAsker(grid, None, input=pipe, output=DummyOutput())
        asker.say = said.append  # type: ignore[method-assign]
        pipe.send_text(DOWN + ENTER)
        assert asker.question(hostile, None, False, psy) is True
    assert said == ["? Premier épisode�[2J ? — Oui"]


@pytestmark_pty
def test_pty_commune_unknown_only_on_enter_and_one_enter_takes_the_single_completion(tmp_path):
    child = spawn("-s", "psychiatrie", tmp_path=tmp_path)
    child.logfile_read = io.StringIO()
    answer(child, "Âge du patient", "30" + ENTER)
    child.expect_exact("Commune de résidence")
    child.send("zz")
    with pytest.raises(pexpect.TIMEOUT):  # nothing said while typing
        child.expect_exact("inconnue", timeout=1)
    child.send(ENTER)
    child.expect_exact("Commune inconnue")
    child.send("\x7f\x7fGam" + ENTER)  # one suggestion left: Enter takes it, no Tab needed
    child.expect_exact("Risque suicidaire")
    seen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.logfile_read.getvalue())
    assert "? Commune de résidence (nom ou code postal) — 99003 Gamma (99300)" in seen
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


@pytestmark_pty
def test_pty_back_from_the_age_to_the_situation_and_a_checklist_keeps_its_ticks(tmp_path):
    child = spawn(tmp_path=tmp_path)
    answer(child, "Situation clinique", DOWN * 3 + ENTER)  # psychiatrie
    answer(child, "Âge du patient", "<" + ENTER)  # back to the situation
    # the situation chosen before is offered: Enter keeps it
    answer(child, "Situation clinique", ENTER)
    child.expect_exact("Situation clinique — Troubles psychiatriques")
    answer(child, "Âge du patient", "30" + ENTER)
    answer(child, "Commune de résidence", "99001" + ENTER)
    answer(child, "Risque suicidaire", ENTER)
    # `a` ticks every red flag, and nothing else (no « revenir » box); ← goes back, saying so
    answer(child, "Signes d'urgence présents", "a" + LEFT)
    child.expect_exact("cochés de nouveau au retour")
    # back at the risk, the answer given before is offered (Enter keeps « Aucun »)
    answer(child, "Risque suicidaire", ENTER)
    # the red flags come back ticked: `a` again unticks them all, Enter: none
    answer(child, "Signes d'urgence présents", "a" + ENTER)
    child.expect_exact("Signes d'urgence présents ? — Aucun")
    answer(child, "Contexte", ENTER)
    child.sendcontrol("c")
    child.expect_exact("Orientation interrompue.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
