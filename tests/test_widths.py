"""At any terminal width, and piped: nothing cut, no line ending in spaces (they land in the
medical record when a result is pasted), the questionnaire's choices wrapped, not cropped."""

from __future__ import annotations

import io
import os
import re
import sys

import pexpect
import pytest
from conftest import ADULT, ROOT, answer_flags

TERRITORY = str(ROOT / "tests" / "cases" / "territoire.yaml")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BOX = re.compile(r"[│┃┏┓┗┛┡┩┠┨━─┼╇╋┳┻╭╮╰╯├┤┬┴┌┐└┘═║]+")
TABLE_EDGES = {"┏": "┓", "┃": "┃", "┡": "┩", "│": "│", "├": "┤", "└": "┘"}
CONTEXT = {"perinatalite": "aucun", "suivi_psychiatrique": "non", "tentative_evaluee": "non",
           "maltraitance_suspectee": "non"}
PSY = {**ADULT, **CONTEXT, "premier_episode": "oui", "decompensation": "non",
       "rupture_de_soins": "non"}


def flat(text: str) -> str:
    """The words of an output, whatever the wrapping and the borders."""
    return " ".join(BOX.sub(" ", ANSI.sub("", text)).split())


def whole(label: str, out: str) -> bool:
    """Every word of a label printed whole (a table may spread a label over lines)."""
    words = re.compile(r"[\w'·-]+")
    tokens = set(words.findall(flat(out)))
    return all(word in tokens for word in words.findall(label))


def check_lines(out: str, width: int | None) -> None:
    cut = re.search(r"\w…", out)  # the grid writes "bipolaire …)", never a word then "…"
    assert cut is None, f"a word cut with an ellipsis: {out[cut.start() - 30:cut.end()]!r}"
    for line in out.splitlines():
        assert line == line.rstrip(" \u00a0"), f"trailing spaces: {line!r}"
        if line[:1] in TABLE_EDGES:  # a table's right border on screen, not pushed off
            assert line[-1] == TABLE_EDGES[line[0]], f"a table without its right border: {line!r}"
        if width is not None:
            assert len(line) <= width, f"{len(line)} > {width}: {line!r}"
        # French typography ties « ? » and « : » to the word before, « « » to the word after
        text = BOX.sub(" ", line).strip()
        assert not text.startswith((":", ";", "?", "!", "»")), f"a line starts with it: {line!r}"
        assert not text.endswith("«"), f"a line ends with « « »: {line!r}"


@pytest.mark.parametrize("width", [60, 80, 85, 100, 110, 120, None])
def test_tables_and_results_read_whole_at_any_width_and_piped(cli, grid, monkeypatch, width):
    if width is None:
        monkeypatch.delenv("COLUMNS", raising=False)  # piped: as wide as the content needs
    else:
        monkeypatch.setenv("COLUMNS", str(width))
    situations = cli("situations").stdout
    check_lines(situations, width)
    for situation in grid.situations.values():
        assert whole(situation.label, situations), (width, situation.id)
        for level in (1, 2, 3):
            for kind in situation.kinds(str(level), grid):
                assert whole(grid.kind_label(kind), situations), (width, kind)
    model = cli("model").stdout
    check_lines(model, width)
    for line in grid.model.lines:
        assert whole(line.label, model), (width, line.label)
        for _, kind, _ in line.kinds():
            assert whole(grid.kind_label(kind), model), (width, kind)
    show = cli("show", "psychiatrie").stdout
    check_lines(show, width)
    for command in (PSY, {**PSY, "risque_suicidaire": "eleve"}):
        result = cli("orient", "-s", "psychiatrie", "-t", TERRITORY, *answer_flags(command))
        assert result.exit_code == 0
        check_lines(result.stdout, width)
        text = flat(result.stdout)
        assert "Dr X (psychiatre)" in text or "Urgences" in text
        if command["risque_suicidaire"] == "eleve":
            assert "URGENCE" in text and "Appeler le 15 (SAMU), ou adresser aux urgences sans délai" in text


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")
@pytest.mark.parametrize("columns", [60, 80, 120])
def test_the_questionnaire_wraps_its_choices_at_any_width(tmp_path, columns):
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "orient", "-s", "psychiatrie",
                                           "-t", TERRITORY], env=env, encoding="utf-8",
                          timeout=20, dimensions=(40, columns))
    child.logfile_read = io.StringIO()
    child.expect_exact("Âge du patient")
    child.send("30\r")
    child.expect_exact("Commune de résidence")
    child.send("\r")
    child.expect_exact("(flèches")
    child.expect_exact("Revenir")
    screen = flat(child.before)
    lines = ANSI.sub("", child.logfile_read.getvalue()).replace("\r", "").split("\n")
    # the help on its own lines under the question, not after it on the same line
    assert any(line.startswith("  Élevé : scénario précis") for line in lines), lines
    assert "Moyen : scénario envisagé, sans date ni moyen préparé" in screen
    assert "Élevé : scénario précis, date ou moyen à disposition" in screen
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")
def test_each_answered_screen_leaves_one_line_in_french_with_its_answer(tmp_path):
    """Once answered, a prompt's help and choices give way to « ? question — réponse »: the
    screen keeps what was answered, readable, wrapped, without questionary's « done »."""
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "orient", "-t", TERRITORY],
                          env=env, encoding="utf-8", timeout=20, dimensions=(80, 60))
    child.logfile_read = io.StringIO()  # everything the terminal received
    steps = [("Situation clinique", "\x1b[B" * 3 + "\r"), ("Âge du patient", "34\r"),
             ("Commune de résidence", "99001\r"), ("Risque suicidaire", "\x1b[B\r"),
             ("Signes d'urgence présents", "\r"), ("Contexte", "\r"),
             ("Retentissement fonctionnel", "\x1b[B\r"),
             ("Soins bien conduits", "\r"), ("Présent chez ce patient", " \r")]
    for prompt, keys in steps:
        child.expect_exact(prompt)
        child.send(keys)
    child.expect_exact("Vérifiez les réponses")
    child.expect_exact("Revenir")
    seen = ANSI.sub("", child.logfile_read.getvalue())
    expected = ["? Situation clinique — Troubles psychiatriques (psychose, trouble bipolaire …)",
                "? Âge du patient (en années) — 34",
                "? Commune de résidence (nom ou code postal) — 99001",
                "? Risque suicidaire : niveau d'urgence (RUD) — Faible : idées de mort ou de "
                "suicide, sans scénario",
                "? Signes d'urgence présents ? — Aucun",
                "? Contexte — Aucun",
                "? Retentissement fonctionnel (vie quotidienne, scolarité, travail, relations) — "
                "Léger",
                "? Soins bien conduits sans amélioration suffisante ? — Non",
                "? Présent chez ce patient ? — Premier épisode psychotique ou maniaque suspecté"]
    words = flat(seen)
    for line in expected:
        assert line in words, line
    assert "done" not in words and "(en années)  (" not in seen
    # the review's answers wrap under their label, none cropped at 60 columns
    assert "Modifier : Premier épisode psychotique ou maniaque suspecté ? — Oui" in words
    assert "Modifier : Rupture de soins (traitement ou suivi arrêté) ? — Non" in words
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")
@pytest.mark.parametrize(("env", "allowed"), [
    ({"NO_COLOR": "1", "TERM": "xterm"}, re.compile(r"\x1b\[[0-9;]*m")),  # no-color.org:
    ({"TERM": "dumb"}, None),                                            # bold stays, no colour
])
def test_no_color_and_a_dumb_terminal_are_honoured(tmp_path, env, allowed):
    full = {**os.environ, **env, "HOME": str(tmp_path)}
    if "NO_COLOR" not in env:
        full.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "orient", "-s", "psychiatrie",
                                           "-t", TERRITORY, *answer_flags(PSY)],
                          env=full, encoding="utf-8", timeout=20, dimensions=(40, 100))
    child.expect(pexpect.EOF)
    out = child.before
    assert "Dr X (psychiatre)" in flat(out)
    codes = re.findall(r"\x1b\[[0-9;]*[A-Za-z]", out)
    if allowed is None:
        assert codes == [], codes[:5]
    else:  # styles only: no SGR colour (30–37, 38;…, 90–97 and their backgrounds)
        colours = [c for c in codes if not allowed.fullmatch(c) or any(
            p.isdigit() and (30 <= int(p) <= 49 or 90 <= int(p) <= 107)
            for p in c[2:-1].split(";"))]
        assert colours == [], colours[:5]


def test_prompts_never_start_a_line_with_a_question_mark(monkeypatch):
    # the questionnaire's own wrapping (questions, helps, menus, the answered lines)
    from gradation.consult.prompts import message, wrap

    question = ("Confusion, trouble de la vigilance ou urgence somatique suspectée "
                "(désorientation, début brutal) ?")
    helped = "Choisissez « Grands adolescents et jeunes adultes » : 15 à 25 ans ?"
    for columns in range(32, 90):
        monkeypatch.setenv("COLUMNS", str(columns))
        for text in (wrap(question), wrap(question, indent_first=False), message(question),
                     message(question, helped)):
            for line in text.splitlines():
                assert not line.strip().startswith(("?", ":", "»")), (columns, text)
                assert not line.rstrip().endswith("«"), (columns, text)
