"""Hostile files, terminal injection, random inputs, privacy and exit codes."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ADULT, ROOT, TODAY, answer_flags, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradation.core.answers import AnswerError
from gradation.core.decision import RANK, decide
from gradation.errors import LoadError
from gradation.files import yamlio
from gradation.files.grids import check_grid_files
from gradation.files.locate import default_grids_dir
from gradation.files.territories import check_territory_file, load_territory

TERRITORY = ROOT / "tests" / "cases" / "territoire.yaml"
PSY = {**ADULT, "premier_episode": "oui", "decompensation": "non", "rupture_de_soins": "non"}


# --- Terminal injection -------------------------------------------------------------------------


def test_rich_markup_in_a_territory_is_shown_literally(grid, tmp_path):
    from rich.console import Console

    from gradation.present.terminal import render_result

    path = write(tmp_path / "t.yaml", """
        territory: {id: t, name: "[bold]T[/bold]"}
        resources:
          - id: a
            name: "[red]Rouge[/red] [link=https://exemple.invalid]lien[/link]"
            kind: psychiatre
            walk_in: "[blink]accueil[/blink]"
        """)
    territory = load_territory(path, grid, TODAY)
    result = decide(grid, grid.situations["psychiatrie"], PSY, territory, TODAY)
    buffer = io.StringIO()
    render_result(result, grid, Console(file=buffer, force_terminal=True, width=120))
    out = buffer.getvalue()
    assert "[red]Rouge[/red]" in out and "[link=https://exemple.invalid]lien[/link]" in out
    assert "[blink]accueil[/blink]" in out and "« [bold]T[/bold] »" in out
    assert "\x1b]8;" not in out  # no terminal hyperlink was made
    assert "\x1b[5m" not in out  # no blinking


@pytest.mark.parametrize("where", ["territory", "grid"])
def test_control_characters_are_refused_with_their_location(grid, tmp_path, where):
    if where == "territory":
        path = write(tmp_path / "t.yaml", 'territory: {id: t, name: "T"}\nresources:\n'
                     '  - {id: a, name: "A \\e[31mrouge", kind: cmp}\n')
        territory, problems = check_territory_file(path, grid, TODAY)
        assert territory is None
    else:
        import shutil

        grids = tmp_path / "g"
        shutil.copytree(default_grids_dir(), grids)
        path = grids / "situations" / "gaja.yaml"
        text = path.read_text("utf-8").replace('label: "Grands adolescents',
                                               'label: "\\u009b2JGrands adolescents')
        path.write_text(text, "utf-8")
        _, problems = check_grid_files(grids)
    messages = [str(p) for p in problems]
    assert any("caractère de contrôle interdit" in m and f"{path.name}:" in m for m in messages)


# --- Hostile YAML -------------------------------------------------------------------------------

BOMB = textwrap.dedent("""
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    territory: {id: t, name: "T"}
    resources: [{id: a, name: "A", kind: cmp, serves: *h, notes: *h}]
""")


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("bombe.yaml", BOMB.encode(), "resources[0].serves"),
    ("profond.yaml", ("a: " + "[" * 500 + "]" * 500 + "\n").encode(), "trop profondément"),
    ("binaire.yaml", b"\x00\x01\x02PNG", "fichier binaire"),
    ("latin1.yaml", "territory: {id: t, name: \"Cr\xe9teil\"}\n".encode("latin-1"), "UTF-8"),
    ("python.yaml", b"territory: !!python/object/apply:os.system [\"echo pwned\"]\n",
     "non autorisée"),
    ("deux.yaml", b"territory: {id: t, name: T}\n---\nresources: []\n", "un seul document"),
    ("tabs.yaml", b"territory:\n\tid: t\n", "tabulation"),
    ("doublon.yaml", b"territory: {id: t, name: T, id: u}\n", "en double"),
])
def test_hostile_files_are_refused_quickly_with_a_located_message(tmp_path, name, content,
                                                                  expected):
    path = tmp_path / name
    path.write_bytes(content)
    # In a separate process with a time limit: a hang or a memory blow-up fails the test.
    code = textwrap.dedent(f"""
        from pathlib import Path
        from gradation.errors import LoadError
        from gradation.files.locate import default_grids_dir
        from gradation.files.grids import load_grid
        from gradation.files.territories import load_territory
        grid = load_grid(default_grids_dir())
        try:
            load_territory(Path({str(path)!r}), grid)
        except LoadError as exc:
            print(exc.message)
        else:
            print("CHARGÉ")
    """)
    env = {**os.environ, "GRADATION_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30, env=env)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout, done.stdout
    assert f"{name}:" in done.stdout


def test_too_many_aliases_are_refused():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (yamlio.MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(yamlio.ProblemsFound) as caught:
        yamlio.parse_yaml(text, "alias.yaml")
    assert "alias" in str(caught.value)


def test_files_over_the_size_limit_are_refused(grid, tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 100)
    path = write(tmp_path / "gros.yaml", "territory: {id: t, name: T}\n# " + "x" * 200 + "\n")
    with pytest.raises(LoadError) as caught:
        load_territory(path, grid, TODAY)
    assert "fichier trop volumineux" in caught.value.message


# --- Random inputs (hypothesis) -----------------------------------------------------------------

VALID_TERRITORY = TERRITORY.read_text(encoding="utf-8")


@st.composite
def mutated(draw, text: str):  # type: ignore[no-untyped-def]
    """A valid file damaged in a few random places (characters or whole lines)."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "swap"]))
        line = lines[i]
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, line)
        elif action == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        else:
            j = draw(st.integers(0, max(0, len(line) - 1)))
            char = draw(st.sampled_from(list(":-[]{}&*!|>'\"#%@`, \t\n0aé") + ["\x1b", "\x00"]))
            lines[i] = line[:j] + char + line[j + (action == "replace"):]
    return "".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated(VALID_TERRITORY))
def test_mutated_territories_give_only_the_user_facing_error(grid, tmp_path_factory, text):
    path = tmp_path_factory.mktemp("m") / "t.yaml"
    path.write_text(text, encoding="utf-8")
    territory, problems = check_territory_file(path, grid, TODAY)
    if territory is None:
        assert any(p.is_error for p in problems)
        assert all(p.file.endswith("t.yaml") for p in problems)


GRID_FILES = ["common.yaml", "model.yaml", "situations/gaja.yaml", "situations/addictions.yaml"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_grids_give_only_the_user_facing_error(tmp_path_factory, data):
    import shutil

    grids = tmp_path_factory.mktemp("g") / "grids"
    shutil.copytree(default_grids_dir(), grids)
    name = data.draw(st.sampled_from(GRID_FILES))
    path = grids / name
    path.write_text(data.draw(mutated(path.read_text("utf-8"))), encoding="utf-8")
    grid, problems = check_grid_files(grids)
    assert grid is not None or any(p.is_error for p in problems)


VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 130), st.text(max_size=8),
                   st.sampled_from(["oui", "non", "aucun", "faible", "moyen", "eleve", "leger",
                                    "modere", "severe", "premiere_ligne", "deuxieme_ligne",
                                    "alcool", "cannabis", "99001", "2A004", "12", ""]))


@settings(max_examples=300, deadline=None)
@given(situation=st.sampled_from(["anxio-depression", "addictions", "enfant-apprentissages",
                                  "psychiatrie", "gaja"]),
       answers=st.dictionaries(st.sampled_from(
           ["age", "commune", "risque_suicidaire", "danger_autrui", "agitation", "confusion",
            "intoxication_aigue", "enfant_en_danger", "retentissement", "echec_soins_anterieurs",
            "phq9", "gad7", "audit", "cast", "produit", "sevrage_complique", "dependance",
            "retentissement_travail", "doute_diagnostique", "suspicion_tnd",
            "troubles_psychiques_associes", "premier_episode", "decompensation",
            "rupture_de_soins", "decrochage", "conduites_a_risque", "symptomes_psychotiques",
            "retentisement"]), VALUES, max_size=20))
def test_random_answers_give_a_level_or_a_clean_refusal(grid, demo, situation, answers):
    try:
        result = decide(grid, grid.situations[situation], answers, demo, TODAY)
    except AnswerError as exc:
        assert exc.exit_code == 2 and exc.message
    else:
        assert result.level in RANK
        if any(answers.get(k) in ("oui", True) for k in ("danger_autrui", "agitation",
                                                         "confusion", "intoxication_aigue",
                                                         "enfant_en_danger")):
            assert result.level == "urgence"


def _any_answer(question, situation):  # type: ignore[no-untyped-def]
    """Any valid answer to a question (ages within the situation)."""
    if question.id == "age":
        return st.integers(situation.spec.age.min, situation.spec.age.max)
    if question.type == "commune":
        return st.sampled_from([None, "99001", "99002", "99003"])
    if question.type == "boolean":
        return st.booleans()
    if question.type == "choice":
        return st.sampled_from(question.choice_ids())
    values = st.integers(question.min, question.max)
    return st.none() | values if question.optional else values


def _raise(question, value, data):  # type: ignore[no-untyped-def]
    """A more severe answer than `value`, drawn at random, or None when there is none."""
    if question.type == "boolean":
        return True if value is False else None
    if question.type == "choice":
        ids = question.choice_ids()
        later = ids[ids.index(value) + 1:]
        return data.draw(st.sampled_from(later)) if question.ordered and later else None
    if question.type == "score" and value is not None and value < question.max:
        return data.draw(st.integers(value + 1, question.max))
    return None


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_raising_any_answer_never_lowers_the_level_nor_slows_the_delay(grid, data):
    """An oracle independent of the proofs: random complete answers through `decide`, one
    answer made more severe by a random step, the level and delay compared."""
    situation = grid.situations[data.draw(st.sampled_from(sorted(grid.situations)))]
    base = {q.id: data.draw(_any_answer(q, situation)) for q in situation.questions}
    question = data.draw(st.sampled_from([q for q in situation.questions
                                          if q.id not in ("age", "commune")]))
    severe = _raise(question, base[question.id], data)
    if severe is None:
        return
    before = decide(grid, situation, base, None, TODAY)
    after = decide(grid, situation, {**base, question.id: severe}, None, TODAY)
    delays = ["programme", "rapide", "sous-72h", "sans-delai"]
    assert RANK[after.level] >= RANK[before.level]
    assert delays.index(after.delay) >= delays.index(before.delay)


# --- Privacy ------------------------------------------------------------------------------------


def test_no_network_access_at_all(cli, monkeypatch):
    def refuse(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("accès réseau tenté")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = cli("orient", "-s", "psychiatrie", "-t", str(TERRITORY), *answer_flags(PSY),
                 "-f", "json")
    assert result.exit_code == 0
    result = cli("cases", "run", str(ROOT / "tests" / "cases" / "cases.yaml"))
    assert result.exit_code == 0


def test_a_crash_never_prints_the_answers(tmp_path):
    code = textwrap.dedent("""
        import sys
        import gradation.core.decision, gradation.consult.session
        def broken(*args, **kwargs):
            raise RuntimeError("bogue simulé")
        gradation.core.decision.decide = broken
        from gradation.cli import main
        sys.argv = ["gradation", "orient", "-s", "psychiatrie", "--answer", "age=73",
                    "--answer", "commune=99077", "--answer", "premier_episode=oui"]
        main()
    """)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode != 0
    assert "bogue simulé" in done.stderr  # a real bug still shows its traceback
    assert "99077" not in done.stderr and "age=73" not in done.stderr


# --- Exit codes (one test per row of the README's table) ----------------------------------------


def gradation(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(cwd), "XDG_CONFIG_HOME": str(cwd / "c"),
           "XDG_CACHE_HOME": str(cwd / "k")}
    env.pop("GRADATION_TERRITORY", None)
    return subprocess.run([sys.executable, "-m", "gradation", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, input=input, encoding="utf-8")


def test_readme_exit_code_table_is_true(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Codes de sortie")[1].split("\n\n")[1]
    assert [row.split("|")[1].strip() for row in table.splitlines()[2:]] == [
        "0", "1", "2", "3", "130", "143"]
    ok = gradation("orient", "-s", "psychiatrie", "-t", str(TERRITORY), *answer_flags(PSY),
                   cwd=tmp_path)
    assert ok.returncode == 0 and ok.stdout and not ok.stderr
    broken = write(tmp_path / "cases.yaml", f"""
        territory: {TERRITORY}
        cases:
          - {{name: faux, situation: psychiatrie, answers: {{agitation: oui}}, expect: {{level: "1"}}}}
        """)
    failed = gradation("cases", "run", str(broken), cwd=tmp_path)
    assert failed.returncode == 1 and "0 passed, 1 failed" in failed.stdout
    bad = gradation("orient", "-s", "psychiatrie", "-a", "age=deux", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stdout == "" and "age" in bad.stderr
    usage = gradation("orient", "--situatoin", "psychiatrie", cwd=tmp_path)
    assert usage.returncode == 2 and "option inconnue : --situatoin" in usage.stderr
    assert "vouliez-vous dire « --situation »" in usage.stderr
    grid_error = gradation("orient", "-s", "psychiatrie", "-t",
                           str(ROOT / "tests/broken/territories/type-inconnu.yaml"), cwd=tmp_path)
    assert grid_error.returncode == 3 and grid_error.stdout == ""
    assert "Traceback" not in bad.stderr + usage.stderr + grid_error.stderr
    # 130 is shown in a pseudo-terminal by test_interactive.test_pty_ctrl_c_interrupts_cleanly;
    # end of input on a prompt is an interruption too:
    eof = gradation("orient", "-s", "psychiatrie", "--answers", "-", cwd=tmp_path, input="")
    assert eof.returncode == 2  # no terminal: missing answers, named
    assert "risque_suicidaire" in eof.stderr


def test_output_is_utf8_even_where_the_default_encoding_is_not(tmp_path):
    """A Windows redirection (`> resultat.json`) defaults to cp1252, which has no « ≥ »."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(tmp_path / "k")}
    answers = {**ADULT, "phq9": 22, "gad7": 3, "retentissement_travail": "non",
               "doute_diagnostique": "non"}
    done = subprocess.run([sys.executable, "-m", "gradation", "orient", "-s", "anxio-depression",
                           "-t", str(TERRITORY), *answer_flags(answers), "-f", "json"],
                          capture_output=True, env=env)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "PHQ-9 ≥ 20" in done.stdout.decode("utf-8")
