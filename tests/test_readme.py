"""The README cannot drift (as sqlite-utils keeps its documentation with cog): every `gradation`
command it shows runs here, in a scratch folder, on the README's date.

- In a ```console block, the lines after `$ gradation …` are what the command prints: they must
  match (at 100 columns). `GRADATION_README_UPDATE=1 pytest -n 0 tests/test_readme.py` rewrites
  them (one process: the README is rewritten block after block).
- In a ```sh block, each `gradation …` line (a `\\` continues it, `# …` comments it) must succeed.
  An interactive command (`train --salle`, `orient` without answers) runs in a pseudo-terminal
  until its first question, then Ctrl-C: it must stop cleanly (code 130).
- The transcript of an interactive `$ gradation orient` (a ```text block) is replayed in a
  pseudo-terminal with the answers it shows; its lines must appear on screen, in order (a line
  starting with « … » stands for the lines it leaves out).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT, write

README = ROOT / "README.md"
README_DATE = dt.date(2026, 12, 2)  # the date the examples were run on
FENCE = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$", re.M | re.S)
WIDTH = 100


@dataclass
class Command:
    line: int  # in the README
    argv: list[str]
    expected: str | None = None  # the output shown (console blocks)
    into: str | None = None  # `> file`: the output goes there
    output_start: int = 0  # offsets of the shown output in the README (for the update)
    output_end: int = 0


@dataclass
class Block:
    line: int
    lang: str
    commands: list[Command] = field(default_factory=list)


def _logical_lines(body: str, first_line: int) -> list[tuple[int, str, int, int]]:
    """Lines joined at a final « \\ », with their README line and their offsets in `body`."""
    out: list[tuple[int, str, int, int]] = []
    pending, start_line, start = "", 0, 0
    offset = 0
    for i, raw in enumerate(body.splitlines(keepends=True)):
        text = raw.rstrip("\n")
        if not pending:
            start_line, start = first_line + i, offset
        offset += len(raw)
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        out.append((start_line, pending + text, start, offset))
        pending = ""
    return out


def _argv(text: str) -> tuple[list[str], str | None] | None:
    """The arguments after `gradation` on a shell line (after `&&` too), and a `> file`."""
    tokens = shlex.split(text, comments=True)
    for i, token in enumerate(tokens):
        if Path(token).name == "gradation":
            rest = tokens[i + 1:]
            into = None
            if ">" in rest:
                into = rest[rest.index(">") + 1]
                rest = rest[:rest.index(">")]
            cut = [j for j, t in enumerate(rest) if t in ("&&", "|", ";")]
            return (rest[:cut[0]] if cut else rest), into
    return None


def blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        lang, body = match["lang"], match["body"]
        first = text.count("\n", 0, match.start("body")) + 1
        block = Block(first, lang)
        if lang == "sh":
            for line, logical, _, _ in _logical_lines(body, first):
                parsed = _argv(logical)
                if parsed is not None:
                    block.commands.append(Command(line, parsed[0], into=parsed[1]))
        elif lang in ("console", "text"):
            lines = _logical_lines(body, first)
            for k, (line, logical, _, end) in enumerate(lines):
                if not logical.startswith("$ gradation"):
                    continue
                parsed = _argv(logical[2:])
                assert parsed is not None
                nxt = next((s for _, t, s, _ in lines[k + 1:] if t.startswith("$ ")), len(body))
                shown = body[end:nxt] if lang == "console" else None
                block.commands.append(Command(
                    line, parsed[0], shown, parsed[1], match.start("body") + end,
                    match.start("body") + nxt))
        if block.commands:
            found.append(block)
    return found


def interactive(command: Command) -> bool:
    """Commands that ask at the keyboard: the questionnaire without answers, the quiz."""
    argv = command.argv
    if argv[:1] == ["orient"]:
        return not any(a.startswith(("--answer", "-a", "--answers")) for a in argv)
    if argv[:1] == ["train"]:
        return not any(a in ("--export", "--presentation", "--lister", "--list") for a in argv)
    return False


ALL = blocks()
RUN = [(b, c) for b in ALL if b.lang in ("sh", "console") for c in b.commands
       if not interactive(c)]
KEYBOARD = [(b, c) for b in ALL if b.lang in ("sh", "console") for c in b.commands
            if interactive(c)]
TRANSCRIPTS = [(b, c) for b in ALL if b.lang == "text" for c in b.commands if interactive(c)]


# --- The scratch folder ----------------------------------------------------------------------

COG = """TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT
COM,99001,99,99,99D,991,0,EXEMPLEVILLE,Exempleville,Exempleville,9901,
COM,99002,99,99,99D,991,0,VALDEVILLE,Valdeville,Valdeville,9901,
COMD,99004,99,99,99D,991,0,HAMEAU DU BOIS,Hameau du Bois,Hameau du Bois,,99001
"""
LA_POSTE = ("#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5\n"
            "99001;EXEMPLEVILLE;99100;EXEMPLEVILLE;\n"
            "99002;VALDEVILLE;99200;VALDEVILLE;\n")


def _finess_extract(path: Path) -> None:
    """A fictional FINESS extract of the fictional département 99, in the published format."""
    from test_finess import SAMPLE_LINES, extract

    extract(path.parent, *[line for line in SAMPLE_LINES if ";99;" in line], name=path.name)


def sandbox(tmp_path: Path) -> Path:
    """The files the README's commands name, fictional, next to each other."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    demo = ROOT / "grids" / "territories" / "demo.yaml"
    for name in ("mon-territoire.yaml", "territoire.yaml"):
        shutil.copy(demo, tmp_path / name)
    shutil.copy(ROOT / "grids" / "training" / "vignettes.yaml", tmp_path / "mes-vignettes.yaml")
    shutil.copytree(ROOT / "exemples", tmp_path / "exemples")
    shutil.copytree(ROOT / "tests" / "cases", tmp_path / "tests" / "cases")
    write(tmp_path / "v_commune_2026.csv", COG)
    (tmp_path / "laposte_hexasmal.csv").write_bytes(LA_POSTE.encode("cp1252"))
    _finess_extract(tmp_path / "etalab-cs1100507-stock.csv")
    return tmp_path


@pytest.fixture
def folder(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    work = sandbox(tmp_path / "work")
    monkeypatch.chdir(work)
    monkeypatch.setenv("GRADATION_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.delenv("GRADATION_TERRITORY", raising=False)
    monkeypatch.delenv("GRADATION_GRIDS", raising=False)
    # a partner's HSDS package (here: the demo's)
    done = _invoke(["territory", "export", "--format", "hsds", "-t", "territoire.yaml", "-o",
                    "paquet-partenaire"])
    assert done.exit_code == 0, done.stdout + done.stderr
    return work


def _invoke(argv: list[str]):  # type: ignore[no-untyped-def]
    import time_machine
    from typer.testing import CliRunner

    from gradation.cli import full_app

    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0), tick=False):
        return CliRunner().invoke(full_app(), argv, catch_exceptions=False)


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines())


def _update(argv: list[str], printed: str) -> None:
    """Write what a command printed in place of what the README shows (found again in the
    README as it is now: an earlier update may have moved it)."""
    text = README.read_text(encoding="utf-8")
    command = next(c for b in blocks() for c in b.commands
                   if c.argv == argv and c.expected is not None)
    text = text[:command.output_start] + printed + text[command.output_end:]
    README.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("block", [b for b in ALL if b.lang in ("sh", "console")],
                         ids=lambda b: f"README.md:{b.line}")
def test_every_command_shown_runs_and_prints_what_is_shown(block, folder):
    for command in block.commands:
        if interactive(command):
            continue  # test_interactive_commands_stop_cleanly
        result = _invoke(command.argv)
        where = f"README.md:{command.line}: gradation {' '.join(command.argv)}"
        assert result.exit_code == 0, f"{where}\n{result.stdout}{result.stderr}"
        assert "Traceback" not in result.stdout + result.stderr, where
        if command.into:
            (folder / command.into).write_text(result.stdout, encoding="utf-8")
        if command.expected is None:
            continue
        if os.environ.get("GRADATION_README_UPDATE"):
            assert not os.environ.get("PYTEST_XDIST_WORKER"), "rewrite the README with -n 0"
            _update(command.argv, _tidy(result.stdout) + "\n")
        else:
            assert _tidy(result.stdout) == _tidy(command.expected), where


# --- At the keyboard ---------------------------------------------------------------------------

BOOT = ("import sys, datetime, time_machine;"
        "time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0), tick=False).start();"
        "from gradation.entry import main; sys.argv[0] = 'gradation'; main()")


def _need(name: str):  # type: ignore[no-untyped-def]
    """A test library; without it the test is skipped, and fails in CI."""
    try:
        return __import__(name)
    except ImportError:
        if os.environ.get("GRADATION_REQUIRE_ALL_TESTS"):
            pytest.fail(f"{name} is not installed (pip install -e '.[test]')")
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")


def _spawn(argv: list[str], folder: Path, rows: int = 24):  # type: ignore[no-untyped-def]
    pexpect = _need("pexpect")
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": str(WIDTH),
           "LINES": str(rows)}
    return pexpect.spawn(sys.executable, ["-c", BOOT, *argv], cwd=str(folder), env=env,
                         encoding="utf-8", timeout=30, dimensions=(rows, WIDTH))


pty = pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a POSIX pty")


@pty
@pytest.mark.parametrize(("block", "command"), KEYBOARD,
                         ids=[f"README.md:{c.line}" for _, c in KEYBOARD])
def test_interactive_commands_stop_cleanly(block, command, folder):
    import pexpect

    child = _spawn(command.argv, folder)
    child.expect_exact("?")  # its first question
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before


# The keys for each answer of the README's transcript, by the question it answers.
ENTER, DOWN = "\r", "\x1b[B"


def _keys(question: str, answer: str) -> str:
    if question.startswith("Situation clinique"):
        return DOWN * 3 + ENTER  # psychiatrie, fourth in the list
    if question.startswith(("Âge", "Commune")):
        return answer.split()[0] + ENTER
    if question.startswith("Risque suicidaire"):
        return DOWN + ENTER  # faible
    if question.startswith("Retentissement"):
        return DOWN * 2 + ENTER  # modéré
    if question.startswith("Présent chez ce patient"):
        return " " + ENTER  # the first sign, ticked
    return ENTER  # nothing ticked, « non », « voir le résultat »


@pty
@pytest.mark.parametrize(("block", "command"), TRANSCRIPTS,
                         ids=[f"README.md:{c.line}" for _, c in TRANSCRIPTS])
def test_the_interactive_transcript_is_what_a_gp_sees(block, command, folder):
    pyte = _need("pyte")
    text = README.read_text(encoding="utf-8").splitlines()
    shown = []
    for line in text[block.line - 1:]:
        if line.startswith("```"):
            break
        shown.append(line.replace("\u00a0", " ").rstrip())
    questions = [line[2:].split(" — ")[0] for line in shown if line.startswith("? ")
                 and " — " in line]
    rows = 200
    child = _spawn(command.argv, folder, rows)
    child.logfile_read = io.StringIO()
    for question in questions:
        child.expect_exact(question.split(" (")[0][:30])
        answer = next(line.split(" — ", 1)[1] for line in shown
                      if line.startswith(f"? {question} — "))
        child.send(_keys(question, answer))
    child.expect_exact("Et maintenant ?")
    screen = pyte.Screen(WIDTH, rows)
    stream = pyte.Stream(screen)
    stream.feed(child.logfile_read.getvalue())
    child.sendintr()
    child.close()
    seen = [line.replace("\u00a0", " ").rstrip() for line in screen.display]
    if os.environ.get("GRADATION_README_SCREEN"):
        Path(os.environ["GRADATION_README_SCREEN"]).write_text("\n".join(seen), encoding="utf-8")
    _in_order(shown[1:], seen)


def _in_order(expected: list[str], seen: list[str]) -> None:
    """Each expected line on screen after the previous one; « … » skips lines."""
    at, skip = 0, False
    for line in expected:
        if line.startswith("…"):
            skip = True
            continue
        if not line.strip():
            continue
        found = next((i for i in range(at, len(seen)) if seen[i] == line), None)
        assert found is not None, f"absent de l'écran (après la ligne {at}) : {line!r}\n" + \
            "\n".join(seen[at:at + 30])
        assert skip or found == at or not any(s.strip() for s in seen[at:found]), (
            f"lignes en trop avant {line!r} : {seen[at:found]}")
        at, skip = found + 1, False


def test_the_readme_shows_commands_of_every_kind():
    # not a vacuous pass: the README's examples are found, of each kind
    assert len(RUN) >= 30 and KEYBOARD and TRANSCRIPTS
    assert any(c.expected for _, c in RUN)
