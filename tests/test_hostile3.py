"""Hostile input, round 3 (issue 23): text that fakes a line or hides a digit, grid text in
every page, and the reproducers of its tracebacks. Each reproducer is a test."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ADULT, ROOT, answer_flags, copy_grids, write

TERRITORY = ROOT / "tests" / "cases" / "territoire.yaml"
CONTEXT = {"perinatalite": "aucun", "suivi_psychiatrique": "non", "tentative_evaluee": "non",
           "maltraitance_suspectee": "non"}
PSY = {**ADULT, **CONTEXT, "premier_episode": "oui", "decompensation": "non",
       "rupture_de_soins": "non"}


def padded_territory(tmp_path, name: str):  # type: ignore[no-untyped-def]
    return write(tmp_path / "t.yaml", f"""\
        territory: {{id: t, name: "T", communes: [{{insee: "99001", name: "A"}}]}}
        resources:
          - {{id: psy, name: "{name}", kind: psychiatre, wait_weeks: 2}}
          - {{id: cmp, name: "CMP", kind: cmp, phone: "01 99 00 00 01", wait_weeks: 3}}
        """)


def test_a_name_padded_with_spaces_prints_no_fake_phone_line(cli, tmp_path):
    path = padded_territory(tmp_path, "Dr Faux" + " " * 120 + "Tél. 08 99 66 66 66")
    result = cli("orient", "-s", "psychiatrie", "-t", str(path), *answer_flags(PSY))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # the name holds one space where there were 120: it cannot reach the next line
    assert any("Dr Faux Tél. 08 99 66 66 66" in line for line in lines)
    assert not any(line.strip().startswith("Tél. 08 99") for line in lines)
    assert cli("grid", "validate", "--strict", str(path)).exit_code == 0  # valid, made harmless


def test_other_unicode_spaces_are_one_space_too(cli, tmp_path):
    path = padded_territory(tmp_path, "Dr\u2003\u2003\u3000Faux")
    result = cli("orient", "-s", "psychiatrie", "-t", str(path), *answer_flags(PSY), "-f",
                 "json")
    names = [r["name"] for r in __import__("json").loads(result.stdout)["resources"]]
    assert "Dr Faux" in names


def test_html_entities_cannot_reverse_a_number_on_the_patient_sheet(cli, tmp_path):
    path = padded_territory(tmp_path, "Dr &rlm;&ZeroWidthSpace;Faux")
    sheet = tmp_path / "fiche.md"
    result = cli("orient", "-s", "psychiatrie", "-t", str(path), *answer_flags(PSY), "-f",
                 "markdown", "-d", "fiche", "-o", str(sheet))
    assert result.exit_code == 0, result.stderr
    text = sheet.read_text(encoding="utf-8")
    assert "\\&rlm;" in text and "&rlm;" not in text.replace("\\&rlm;", "")


def test_grid_text_is_inert_in_every_markdown_page_and_mermaid_label(cli, tmp_path):
    grids = copy_grids(tmp_path)
    path = grids / "situations" / "psychiatrie.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('label: "Troubles psychiatriques (psychose, trouble bipolaire …)"',
                        'label: "Psy <script>alert(1)</script> [lien](https://x.test) &rlm;"')
    path.write_text(text, encoding="utf-8")
    for command in (("show", "psychiatrie"), ("situations",), ("model",)):
        out = cli(*command, "--grids", str(grids), "-f", "markdown").stdout
        if "Psy" not in out:
            continue  # the model page names no situation
        # each markup character escaped: « \< », « \] », « \& » are text in Markdown
        assert not re.search(r"(?<!\\)<script|(?<!\\)\]\(|(?<!\\)&rlm;", out), command
        assert "\\<script\\>" in out, command
    mermaid = cli("show", "psychiatrie", "--grids", str(grids), "-f", "mermaid-niveaux").stdout
    assert "<script>" not in mermaid and "#lt;script#gt;" in mermaid


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_start_up_ends_with_its_code_and_no_traceback(signum, code):
    """Ctrl-C or TERM in the first instants, while the heavy libraries load (from 0.1 s: the
    interpreter's own start, before its first line of ours, is beyond any program's reach)."""
    outcomes = set()
    for delay in (0.1, 0.13, 0.16, 0.2, 0.25, 0.3):
        child = subprocess.Popen([sys.executable, "-m", "gradation", "situations"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signum)
        _, err = child.communicate(timeout=30)
        text = err.decode("utf-8", "replace")
        assert "Traceback" not in text, (delay, text)
        # killed by the signal itself (-signum) is what a shell reports as 128 + signum too
        assert child.returncode in (0, code, -signum), (delay, child.returncode, text)
        outcomes.add(code if child.returncode == -signum else child.returncode)
    assert code in outcomes  # at least one signal landed during start-up


def test_an_insee_code_given_as_a_list_is_located_in_every_command(cli, tmp_path):
    path = write(tmp_path / "t.yaml", """\
        territory: {id: t, name: T, communes: [{insee: [99001], name: A}]}
        resources: []
        """)
    for command in (("grid", "validate", str(path)), ("resources", "list", "-t", str(path)),
                    ("territory", "coverage", "-t", str(path)),
                    ("orient", "-s", "psychiatrie", "-t", str(path), "-a", "agitation=oui")):
        result = cli(*command)
        assert result.exit_code in (1, 3), (command, result.exit_code)
        assert "territory.communes[0].insee : texte attendu, reçu une liste" in (
            result.stdout + result.stderr), command


def test_a_territory_without_resources_gets_its_first_one(cli, tmp_path):
    path = write(tmp_path / "t.yaml", """\
        # Territoire sans ressources
        territory:
          id: t
          name: "T"
        """)
    result = cli("resources", "add", "-t", str(path), "--id", "x", "--name", "X", "--kind",
                 "cmp")
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Territoire sans ressources\nterritory:\n  id: t\n")
    assert "resources:\n  - id: x\n" in text


def test_cases_of_a_hostile_shape_are_refused_one_by_one(cli, tmp_path):
    write(tmp_path / "t.yaml", TERRITORY.read_text(encoding="utf-8"))
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    cases = write(tmp_path / "cases.yaml", "\n".join([
        "territory: t.yaml", *bomb, "cases:",
        "  - {name: *a11, situation: psychiatrie, answers: {age: 30}, expect: {exit: 2}}",
        "  - {name: b, situation: psychiatrie, answers: {age: 30}, "
        "expect: {exit: 2, missing: [5]}}", ""]))
    result = subprocess.run([sys.executable, "-m", "gradation", "cases", "run", str(cases)],
                            capture_output=True, text=True, timeout=30)  # no hang
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "✗ cas n° 1 — cas mal formé : « name » : un texte" in result.stdout
    assert "« expect.missing » : une liste d'identifiants de questions" in result.stdout


@pytest.mark.skipif(os.name == "nt", reason="POSIX FIFOs and devices")
@pytest.mark.parametrize("command", [
    ("grid", "validate", "{f}"), ("cases", "run", "{f}"), ("train", "--vignettes", "{f}"),
    ("orient", "-s", "psychiatrie", "-t", "{f}", "-a", "agitation=oui"),
    ("import", "finess", "{f}", "--departement", "99", "--id", "x", "--name", "X",
     "--output", "{out}"),
    ("import", "communes", "{f}", "--departement", "99", "--id", "x", "--name", "X",
     "--output", "{out}")])
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_a_device_is_never_read(tmp_path, command, kind):
    if kind == "fifo":
        source = tmp_path / "entree.yaml"
        os.mkfifo(source, 0o600)
    else:
        source = Path("/dev/zero")
    out = tmp_path / "sortie.yaml"
    args = [a.format(f=source, out=out) for a in command]
    result = subprocess.run([sys.executable, "-m", "gradation", *args], capture_output=True,
                            text=True, timeout=30, stdin=subprocess.DEVNULL)  # no hang
    assert result.returncode in (2, 3), (result.returncode, result.stderr)
    assert "n'est pas un fichier ordinaire" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_a_key_twice_in_the_configuration_is_an_error_that_names_it(cli, tmp_path,
                                                                    monkeypatch):
    config = tmp_path / "config"
    monkeypatch.setenv("GRADATION_CONFIG_DIR", str(config))
    write(config / "config.yaml", "territory: demo\nterritory: autre.yaml\n")
    result = cli("orient", "-s", "psychiatrie", "-a", "agitation=oui")
    assert result.exit_code == 3
    assert "config.yaml:2" in result.stderr and "en double" in result.stderr


@pytest.mark.parametrize(("condition", "message"), [
    ("(" * 2000 + "phq9 >= 20" + ")" * 2000, "condition trop imbriquée (plus de 50 niveaux"),
    ("not " * 2000 + "doute_diagnostique", "condition trop imbriquée"),
    ("phq9 >= " + "9" * 5000, "nombre trop long (5000 chiffres ; au plus 9)")])
def test_a_hostile_grid_condition_is_located_not_a_crash(cli, tmp_path, condition, message):
    grids = copy_grids(tmp_path)
    path = grids / "situations" / "anxio-depression.yaml"
    text = path.read_text(encoding="utf-8").replace('when: "phq9 >= 20"',
                                                    f'when: "{condition}"', 1)
    path.write_text(text, encoding="utf-8")
    result = cli("grid", "validate", str(grids))
    assert result.exit_code == 3
    assert "anxio-depression.yaml:" in result.stdout and message in result.stdout


def _finess_extract(tmp_path, *extra: str):  # type: ignore[no-untyped-def]
    from test_finess import SAMPLE_LINES, extract

    return extract(tmp_path, *SAMPLE_LINES[:2], *extra)


@pytest.mark.parametrize(("extra", "said"), [
    (("", "   "), None),  # blank lines: passed over
    (("geolocalisation",), None),  # a short record: passed over
    (("structureet;99000", ), "ligne structureet incomplète"),
    (('structureet;"990000;ouvert' + ";" * 40,), "ligne structureet incomplète"),
])
def test_a_broken_finess_record_is_said_with_its_line_or_passed_over(cli, tmp_path, extra,
                                                                     said):
    path = _finess_extract(tmp_path, *extra)
    out = tmp_path / "t.yaml"
    result = cli("import", "finess", str(path), "--departement", "99", "--id", "t", "--name",
                 "T", "--output", str(out))
    if said is None:
        assert result.exit_code == 0, result.stderr
        assert out.exists()
    else:
        assert result.exit_code == 2 and said in result.stderr and not out.exists()
        assert f"{path.name}:4:" in result.stderr  # the line where the record begins


@pytest.mark.parametrize("coordinates", ["652469.0;12655612", "1e400;6862035.0",
                                         "inf;6862035.0", "nan;nan"])
def test_impossible_coordinates_are_no_place(cli, tmp_path, coordinates):
    line = (f"geolocalisation;990000016;{coordinates};"
            "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2025-11-04")
    from test_finess import SAMPLE_LINES, extract

    path = extract(tmp_path, *SAMPLE_LINES[:2], line)
    out = tmp_path / "t.yaml"
    result = cli("import", "finess", str(path), "--departement", "99", "--id", "t", "--name",
                 "T", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "lat:" not in text and "lon:" not in text  # no point near the pole, no -90/127


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
@pytest.mark.parametrize("document", ["resultat", "lettre", "fiche"])
def test_what_is_about_a_patient_is_readable_by_its_owner_only(cli, tmp_path, document):
    target = tmp_path / f"{document}.md"
    target.write_text("ancien", encoding="utf-8")
    target.chmod(0o644)  # a document replaced keeps no wider permission
    for _ in range(2):  # a new file, then the same name again
        result = cli("orient", "-s", "psychiatrie", "-t", str(TERRITORY), *answer_flags(PSY),
                     "-f", "markdown", "-d", document, "-o", str(target))
        assert result.exit_code == 0, result.stderr
        assert oct(target.stat().st_mode & 0o777) == "0o600"
        target.unlink()


def test_a_columns_below_twenty_is_ignored(tmp_path):
    env = {**os.environ, "COLUMNS": "0", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "gradation", "orient", "-s", "inconnue"],
                            capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode == 2 and "situation « inconnue » inconnue" in result.stderr
    shown = subprocess.run([sys.executable, "-m", "gradation", "situations"],
                           capture_output=True, text=True, env=env, timeout=30)
    assert shown.returncode == 0 and "Situations et niveaux de recours" in shown.stdout


@pytest.mark.skipif(os.name == "nt", reason="a line break in a file name")
def test_a_line_break_in_a_finess_file_name_injects_nothing(cli, tmp_path):
    from test_finess import SAMPLE_LINES, extract

    path = extract(tmp_path, *SAMPLE_LINES[:2], name="extrait\nresources: []\n#.csv")
    out = tmp_path / "t.yaml"
    result = cli("import", "finess", str(path), "--departement", "99", "--id", "t", "--name",
                 "T", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("# Territoire « T » importé de FINESS (extrait "
                                           "resources: [] #.csv")
    assert cli("grid", "validate", str(out)).exit_code == 0
    assert "\nresources: []\n" not in text


def test_a_refused_commune_import_leaves_no_new_file(cli, tmp_path):
    cog = tmp_path / "v_commune_2026.csv"
    cog.write_text("TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\n"
                   "COM,99001,99,99,99D,991,0,A,A,\"Alpha\uffff\",9901,\n"
                   "COM,9900X,99,99,99D,991,0,B,B,Bêta,9901,\n", encoding="utf-8")
    out = tmp_path / "t.yaml"
    result = cli("import", "communes", str(cog), "--departement", "99", "--id", "t", "--name",
                 "T", "--output", str(out))
    assert result.exit_code == 1 and "9900X" in result.stdout + result.stderr
    assert not out.exists()  # « n'a pas été modifié » is true: nothing is left behind
    cog.write_text(cog.read_text("utf-8").replace("9900X", "99002"), encoding="utf-8")
    result = cli("import", "communes", str(cog), "--departement", "99", "--id", "t", "--name",
                 "T", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert "\uffff" not in out.read_text("utf-8")  # a non-character never reaches a menu


# --- A loader fuzzer: wrong types in every field -------------------------------------------

WRONG = [None, True, 0, -1, 10**30, 1.5, float("inf"), "", " " * 200, "x" * 5000, [], [1],
         {}, {"a": 1}, "2026-13-45", "\u202e\uffff", "<script>", "*alias", "&amp;", "99001",
         ["99001", 5], {"min": "a"}, {"min": 30, "max": 2}, [1, 2, 3], "1e400"]
RESOURCE_FIELDS = ["id", "name", "kind", "serves", "age", "situations", "level", "phone",
                   "email", "website", "address", "hours", "access", "walk_in",
                   "referral_required", "cost", "wait_weeks", "urgent_days", "wait_as_of",
                   "languages", "finess", "lat", "lon", "verified_on", "mon_soutien_psy",
                   "notes", "imported", "bogus"]
INFO_FIELDS = ["id", "name", "maintainer", "updated_on", "communes", "geography"]


def _fuzzed_territory(rng):  # type: ignore[no-untyped-def]
    import json

    resource = {"id": "r", "name": "R", "kind": "cmp", "serves": ["99001"]}
    for _ in range(rng.randrange(1, 4)):
        resource[rng.choice(RESOURCE_FIELDS)] = rng.choice(WRONG)
    info = {"id": "t", "name": "T", "communes": [{"insee": "99001", "name": "A"}]}
    if rng.random() < 0.3:
        info[rng.choice(INFO_FIELDS)] = rng.choice(WRONG)
    data = {"territory": info, "resources": [resource]}
    if rng.random() < 0.1:
        data = rng.choice([{"territory": rng.choice(WRONG)}, {"resources": rng.choice(WRONG)},
                           rng.choice(WRONG)])
    return json.dumps(data, ensure_ascii=False)  # JSON is YAML: every value typed as chosen


def test_a_loader_fuzzer_finds_no_crash(grid, tmp_path):
    import datetime as dt
    import random

    from gradation.core.decision import decide
    from gradation.errors import GradationError
    from gradation.files.territories import check_territory_file

    seed = int(os.environ.get("GRADATION_FUZZ_SEED", "2026"))
    count = int(os.environ.get("GRADATION_LOADER_RUNS", "300"))
    rng = random.Random(seed)
    path = tmp_path / "t.yaml"
    answers = {**{k: v for k, v in PSY.items()}, "agitation": "non"}
    crashes = []
    for number in range(count):
        text = _fuzzed_territory(rng)
        path.write_text(text, encoding="utf-8")
        try:
            territory, problems = check_territory_file(path, grid, dt.date(2026, 11, 28))
            if territory is not None:  # a schema-valid file works with every command
                decide(grid, grid.situations["psychiatrie"], answers, territory,
                       dt.date(2026, 11, 28))
            assert all(p.message for p in problems)
        except GradationError:
            continue
        except Exception as exc:  # noqa: BLE001 - what the fuzzer hunts
            crashes.append(f"#{number} {text[:200]} → {exc!r}")
    assert crashes == [], "\n".join(crashes[:10])


def test_the_sources_page_is_inert_too(cli, tmp_path):
    grids = copy_grids(tmp_path)
    path = grids / "sources.yaml"
    text = path.read_text(encoding="utf-8").replace(
        'covers: "Les critères que la grille ajoute',
        'covers: "<img src=x onerror=alert(1)> [clic](https://x.test) Les critères que la '
        'grille ajoute', 1)
    path.write_text(text, encoding="utf-8")
    out = cli("sources", "--grids", str(grids), "-f", "markdown").stdout
    assert "\\<img" in out and not re.search(r"(?<!\\)<img|(?<!\\)\]\(", out)


def test_a_csv_cell_that_starts_like_a_formula_is_text(cli, tmp_path):
    from gradation.files.records import excel_csv

    data = excel_csv([["nom"], ['=HYPERLINK("https://x.test";"clic")'], ["+33 1"], ["-1"],
                      ["@SUM(A1)"], ["\tx"], ["Exempleville"]])
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[1:-1] == ['"\'=HYPERLINK(""https://x.test"";""clic"")"',
                                        "'+33 1", "'-1", "'@SUM(A1)", "'\tx", "Exempleville"]
    path = write(tmp_path / "t.yaml", """\
        territory: {id: t, name: T, communes: [{insee: "99001", name: "=HYPERLINK(1)"}]}
        resources: []
        """)
    out = cli("territory", "coverage", "-t", str(path), "-f", "csv").stdout
    assert "99001;'=HYPERLINK(1);" in out


def test_a_list_by_an_unknown_kind_is_refused_and_the_last_removal_leaves_an_empty_list(
        cli, tmp_path):
    path = write(tmp_path / "t.yaml", """\
        territory: {id: t, name: T}
        resources:  # la liste du territoire
          - {id: seule, name: "Seule", kind: cmp}
        """)
    listed = cli("resources", "list", "-t", str(path), "--kind", "cmpx")
    assert listed.exit_code == 2 and "vouliez-vous dire « cmpi » ?" in listed.stderr
    assert cli("resources", "remove", "seule", "-t", str(path)).exit_code == 0
    assert path.read_text("utf-8").endswith("resources: []  # la liste du territoire\n")
    assert cli("grid", "validate", str(path)).exit_code == 0


@pytest.mark.parametrize("command", [("model",), ("situations",), ("show", "psychiatrie"),
                                     ("train", "--export", "markdown"),
                                     ("territory", "coverage", "-f", "csv")])
def test_a_page_never_replaces_an_existing_file_without_force(cli, tmp_path, command):
    precious = write(tmp_path / "mon-territoire.yaml", TERRITORY.read_text(encoding="utf-8"))
    before = precious.read_bytes()
    result = cli(*command, "-o", str(precious))
    assert result.exit_code == 2 and "existe déjà" in result.stderr
    assert "--force" in result.stderr and precious.read_bytes() == before
    replaced = cli(*command, "-o", str(precious), "--force")
    assert replaced.exit_code == 0, replaced.stderr
    assert precious.read_bytes() != before


def test_a_non_character_in_a_commune_name_is_refused_where_it_stands(cli, tmp_path):
    path = write(tmp_path / "t.yaml", """\
        territory: {id: t, name: T, communes: [{insee: "99001", name: "A\\uffff"}]}
        resources: []
        """)
    result = cli("grid", "validate", str(path))
    assert result.exit_code == 3
    assert "t.yaml:1:" in result.stdout and "U+FFFF" in result.stdout


def test_ctrl_c_while_the_errors_module_is_still_loading_is_an_interruption(monkeypatch):
    # the signal can land while gradation.errors is half imported (no Interruption yet): the
    # handler must still raise KeyboardInterrupt, never an AttributeError with a traceback
    import types

    from gradation import entry

    half = types.ModuleType("gradation.errors")
    monkeypatch.setitem(sys.modules, "gradation.errors", half)
    with pytest.raises(KeyboardInterrupt):
        entry._on_interrupt(2, None)
