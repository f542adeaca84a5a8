"""Coordinators never lose a line (issue « safe edits, safe merges, safe caches, safe outputs »).

Real files on disk, real processes where it matters (concurrency, a writer killed mid-write)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ADULT, ROOT, TODAY, answer_flags, write

TERRITORY = ROOT / "tests" / "cases" / "territoire.yaml"
PSY = {**ADULT, "premier_episode": "oui", "decompensation": "non", "rupture_de_soins": "non"}
POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX processes, signals and permissions")

# Every comment has a place a person would expect it to stay.
COMMENTED = """\
# En-tête du fichier
territory:
  id: c
  name: "Commenté"

resources:
  # au-dessus de a
  - id: a
    name: "A"   # en ligne de a
    kind: cmp
  # au-dessus de b (1)
  # au-dessus de b (2)
  - id: b
    name: "B"
    # dans b
    kind: cmp

  # au-dessus de c
  - {id: c, name: "C", kind: cmp}
  - id: d
    name: "D"
    kind: cmp
# fin du fichier
"""
# The lines of each entry's block (1-based, inclusive): its own comments and its content.
BLOCKS = {"a": (7, 10), "b": (11, 16), "c": (18, 19), "d": (20, 22)}


def gradation(*args: str, cwd: Path | None = None, **extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, **extra}
    return subprocess.Popen([sys.executable, "-m", "gradation", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("rid", list(BLOCKS))
def test_removing_an_entry_keeps_every_other_comment_where_it_was(cli, tmp_path, rid):
    path = write(tmp_path / "c.yaml", COMMENTED)
    result = cli("resources", "remove", rid, "-t", str(path))
    assert result.exit_code == 0, result.stderr
    lines = COMMENTED.splitlines()
    first, last = BLOCKS[rid]
    if rid == "b":
        last += 1  # the blank line that followed b goes with it
    expected = lines[:first - 1] + lines[last:]
    assert path.read_text("utf-8").splitlines() == expected


def test_removing_every_entry_in_turn_leaves_the_other_comments(cli, tmp_path):
    path = write(tmp_path / "c.yaml", COMMENTED)
    for rid in ("b", "d", "a"):
        assert cli("resources", "remove", rid, "-t", str(path)).exit_code == 0
    assert path.read_text("utf-8") == textwrap.dedent("""\
        # En-tête du fichier
        territory:
          id: c
          name: "Commenté"

        resources:
          # au-dessus de c
          - {id: c, name: "C", kind: cmp}
        # fin du fichier
        """)


def test_editing_and_adding_keep_the_neighbours_comments(cli, tmp_path):
    path = write(tmp_path / "c.yaml", COMMENTED)
    assert cli("resources", "edit", "a", "--phone", "01 99 00 00 09", "-t", str(path)
               ).exit_code == 0
    assert cli("resources", "add", "--id", "e", "--name", "E", "--kind", "cmp", "-t",
               str(path)).exit_code == 0
    text = path.read_text("utf-8")
    assert text.index("# en ligne de a") < text.index("phone") < text.index("# au-dessus de b (1)")
    assert text.rstrip().endswith("# fin du fichier")  # the new entry went before it
    assert text.index('- id: "e"' if '- id: "e"' in text else "- id: e") < text.index("# fin")
    unchanged = COMMENTED.splitlines()[10:]  # from « au-dessus de b (1) » to the end
    assert all(line in text.splitlines() for line in unchanged)


@POSIX
def test_twenty_concurrent_additions_all_land(tmp_path):
    path = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))
    before = path.read_text("utf-8").count("\n  - ")
    writers = [gradation("resources", "add", "-t", str(path), "--id", f"psy-{i}", "--name",
                         f"Psy {i}", "--kind", "psychologue") for i in range(20)]
    outcomes = [w.communicate(timeout=120) for w in writers]
    assert [w.returncode for w in writers] == [0] * 20, outcomes
    text = path.read_text("utf-8")
    assert all(f"psy-{i}" in text for i in range(20))
    assert text.count("\n  - ") == before + 20


@POSIX
def test_a_writer_killed_mid_write_leaves_the_old_file_and_the_next_command_cleans_up(
        tmp_path):
    path = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))
    before = path.read_bytes()
    hang = textwrap.dedent("""
        import os, sys, time
        real = os.replace
        def stuck(src, dst):
            if str(dst).endswith("t.yaml"):
                print("temporaire écrit", flush=True)
                time.sleep(60)
            real(src, dst)
        os.replace = stuck
        from gradation.cli import main
        sys.argv = ["gradation"] + sys.argv[1:]
        main()
    """)
    writer = subprocess.Popen([sys.executable, "-c", hang, "resources", "add", "-t", str(path),
                               "--id", "x", "--name", "X", "--kind", "cmp"],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "temporaire écrit"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    assert path.read_bytes() == before
    leftovers = list(tmp_path.glob(".t.yaml.*.tmp"))
    assert leftovers  # the killed writer's temporary file…
    done = gradation("resources", "add", "-t", str(path), "--id", "y", "--name", "Y",
                     "--kind", "cmp")
    assert done.wait(timeout=60) == 0
    assert list(tmp_path.glob(".t.yaml.*.tmp")) == []  # … is gone after the next command


@POSIX
def test_sigterm_removes_the_temporary_file_and_exits_143(tmp_path):
    path = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))
    before = path.read_bytes()
    hang = textwrap.dedent("""
        import os, sys, time
        real = os.replace
        def stuck(src, dst):
            print("temporaire écrit", flush=True)
            time.sleep(60)
        os.replace = stuck
        from gradation.cli import main
        sys.argv = ["gradation"] + sys.argv[1:]
        main()
    """)
    writer = subprocess.Popen([sys.executable, "-c", hang, "resources", "remove", "mg-eric",
                               "-t", str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "temporaire écrit"
    writer.send_signal(signal.SIGTERM)
    _, err = writer.communicate(timeout=10)
    assert writer.returncode == 143
    assert "Traceback" not in err and "Arrêté" in err
    assert path.read_bytes() == before and list(tmp_path.glob(".t.yaml.*.tmp")) == []


def test_a_file_changed_by_another_program_meanwhile_is_not_overwritten(tmp_path,
                                                                       monkeypatch, grid):
    from gradation.errors import GradationError
    from gradation.territory import directory

    path = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))

    def change(editor: directory.Editor) -> None:
        editor.remove("mg-eric")
        path.write_text(path.read_text("utf-8") + "# ajouté dans un éditeur\n", "utf-8")

    with pytest.raises(GradationError) as caught:
        directory.update(path, grid, change, today=TODAY)
    assert caught.value.exit_code == 1 and "modifié par un autre programme" in caught.value.message
    assert path.read_text("utf-8").endswith("# ajouté dans un éditeur\n")
    assert "mg-eric" in path.read_text("utf-8")


@POSIX
def test_a_symlink_stays_a_link_and_the_real_file_keeps_its_owner(cli, tmp_path):
    real = write(tmp_path / "depot" / "t.yaml", TERRITORY.read_text("utf-8"))
    link = tmp_path / "lien.yaml"
    link.symlink_to(real)
    if os.geteuid() == 0:
        os.chown(real, 65534, 65534)
    result = cli("resources", "remove", "mg-eric", "-t", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and "mg-eric" not in real.read_text("utf-8")
    if os.geteuid() == 0:
        assert (real.stat().st_uid, real.stat().st_gid) == (65534, 65534)


@POSIX
def test_a_read_only_file_is_refused(cli, tmp_path):
    path = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))
    path.chmod(0o444)
    before = path.read_bytes()
    result = cli("resources", "remove", "mg-eric", "-t", str(path))
    assert result.exit_code == 1 and "lecture seule" in result.stderr
    assert path.read_bytes() == before


def test_bom_and_crlf_line_endings_are_kept(cli, tmp_path):
    text = TERRITORY.read_text("utf-8").replace("\n", "\r\n")
    path = tmp_path / "t.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert cli("resources", "add", "-t", str(path), "--id", "x", "--name", "X", "--kind",
               "cmp").exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"x" in data
    assert data.count(b"\n") == data.count(b"\r\n")  # no mixed line endings


@pytest.mark.parametrize("target", ["territory", "grid", "answers"])
def test_output_never_replaces_a_file_the_command_reads(cli, tmp_path, target):
    territory = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))
    answers = write(tmp_path / "r.yaml", "\n".join(f"{k}: {v}" for k, v in PSY.items()) + "\n")
    grids = tmp_path / "grilles"
    import shutil

    from gradation.files.locate import default_grids_dir

    shutil.copytree(default_grids_dir(), grids)
    output = {"territory": territory, "grid": grids / "model.yaml", "answers": answers}[target]
    before = output.read_bytes()
    result = cli("orient", "-s", "psychiatrie", "-t", str(territory), "--grids", str(grids),
                 "--answers", str(answers), "-f", "json", "-o", str(output))
    assert result.exit_code == 2 and "est lu par cette commande" in result.stderr
    assert output.read_bytes() == before


@POSIX
def test_output_to_a_device_or_a_link_or_standard_output(cli, tmp_path):
    flags = ["orient", "-s", "psychiatrie", "-t", str(TERRITORY), *answer_flags(PSY), "-f",
             "json", "-o"]
    # a character device of our own (never the machine's /dev/null, should the code be wrong)
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | __import__("stat").S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        device = None  # not root: the device case is left out
    if device is not None:
        assert cli(*flags, str(device)).exit_code == 0
        assert device.is_char_device()
    real = tmp_path / "resultats" / "r.json"
    real.parent.mkdir()
    real.write_text("ancien", "utf-8")
    link = tmp_path / "r.json"
    link.symlink_to(real)
    assert cli(*flags, str(link)).exit_code == 0
    assert link.is_symlink() and real.read_text("utf-8").startswith("{")
    result = cli(*flags, "-")
    assert result.exit_code == 0 and result.stdout.startswith("{")
    result = cli(*flags, "")
    assert result.exit_code == 2 and "nom de fichier" in result.stderr
    result = cli(*flags, str(tmp_path / "absent" / "r.json"))
    assert result.exit_code == 1 and "introuvable" in result.stderr  # in French


def test_territory_init_writes_a_file_that_validates_and_refuses_a_name_on_two_lines(
        cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("territory", "init", "val", "--name", 'CPTS "du" Val', "--commune",
               "99001:Alpha").exit_code == 0
    assert cli("grid", "validate", "val.yaml").exit_code == 0
    assert cli("territory", "use", "val.yaml").exit_code == 0
    assert cli("resources", "add", "-t", "val.yaml", "--id", "a", "--name", "A", "--kind",
               "cmp").exit_code == 0
    result = cli("territory", "init", "x", "--name", "CPTS\nNOUVEAU")
    assert result.exit_code == 2 and "une ligne" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize(("field", "written"), [("serves", '["01004"]'),
                                                ("finess", '"010000017"')])
def test_leading_zeros_advice_quotes_the_digits_as_written(cli, tmp_path, field, written):
    value = written.replace('"', "")
    path = write(tmp_path / "z.yaml", f"""
        territory: {{id: z, name: "Z"}}
        resources:
          - {{id: a, name: "A", kind: cmp, {field}: {value}}}
        """)
    result = cli("grid", "validate", str(path))
    digits = value.strip("[]")
    assert result.exit_code == 3
    assert f'écrivez la valeur entre guillemets ("{digits}")' in result.stdout


def test_a_broken_configuration_is_an_error_naming_it(cli, tmp_path, monkeypatch):
    config = tmp_path / "config" / "gradation" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("territory: [oups\n", "utf-8")
    result = cli("orient", "-s", "psychiatrie", *answer_flags(PSY))
    assert result.exit_code == 3 and "config.yaml" in result.stderr
    assert result.stdout == ""


def _load_demo(grid, path):  # type: ignore[no-untyped-def]
    from gradation.files.territories import load_territory

    return load_territory(path, grid, TODAY)


def test_cache_is_private_json_checked_and_independent_of_the_folder(grid, tmp_path,
                                                                      monkeypatch):
    from gradation.files import cache

    monkeypatch.setenv("GRADATION_CACHE_DIR", str(tmp_path / "k"))
    write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))
    monkeypatch.chdir(tmp_path)
    first = _load_demo(grid, Path("t.yaml"))  # a relative path
    assert first.path.is_absolute()
    folder = cache.cache_dir()
    assert folder is not None and oct(folder.stat().st_mode & 0o777) == "0o700"
    entry = next(folder.glob("*.json"))
    assert oct(entry.stat().st_mode & 0o777) == "0o600"
    assert json.loads(entry.read_text("utf-8"))["key"] == entry.stem  # data, not code
    again = _load_demo(grid, tmp_path / "t.yaml")
    assert [r.id for r in again.resources] == [r.id for r in first.resources]
    entry.write_bytes(entry.read_bytes()[:-40] + b"\xff" * 40)  # a damaged entry
    assert [r.id for r in _load_demo(grid, tmp_path / "t.yaml").resources] == [
        r.id for r in first.resources]  # rebuilt from the file, not read damaged


@POSIX
def test_a_planted_cache_runs_no_code_and_is_not_trusted(grid, tmp_path, monkeypatch):
    """Issue 23: another user plants entries in a shared cache folder."""
    import pickle

    from gradation.files import cache

    shared = tmp_path / "partage"
    monkeypatch.setenv("GRADATION_CACHE_DIR", str(shared))
    path = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))
    marker = tmp_path / "code-execute"

    class Planted:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (open, (str(marker), "w"))

    name = cache.key([Path(os.path.realpath(path)), *cache.grid_files(grid.root)],
                     f"territory|{TODAY.isoformat()}")
    assert name is not None
    for version in ("v1", "v2"):
        (shared / version).mkdir(parents=True, exist_ok=True)
        (shared / version / f"{name}.pickle").write_bytes(pickle.dumps(Planted()))
    folder = shared / "v2"
    # a folder that others may write: never read, never written
    folder.chmod(0o777)
    (folder / f"{name}.json").write_text(json.dumps(
        {"key": name, "value": {"data": {"territory": {"id": "faux", "name": "Faux"}},
                                "warnings": []}}), "utf-8")
    loaded = _load_demo(grid, path)
    assert loaded.id == "tests" and not marker.exists()
    assert sorted(p.name for p in folder.iterdir()) == [f"{name}.json", f"{name}.pickle"]
    # the same entry in a private folder is read — but only under its own key
    folder.chmod(0o700)
    assert _load_demo(grid, path).id == "faux"
    other = json.loads((folder / f"{name}.json").read_text("utf-8"))
    other["key"] = "0" * 40  # an entry moved from another name
    (folder / f"{name}.json").write_text(json.dumps(other), "utf-8")
    assert _load_demo(grid, path).id == "tests"
    # a link or a FIFO in place of an entry: never followed, never waited on
    (folder / f"{name}.json").unlink()
    decoy = write(tmp_path / "ailleurs.json", json.dumps(other | {"key": name}))
    (folder / f"{name}.json").symlink_to(decoy)
    assert _load_demo(grid, path).id == "tests"
    (folder / f"{name}.json").unlink()
    os.mkfifo(folder / f"{name}.json")
    assert _load_demo(grid, path).id == "tests"
    # the cache folder itself a link to elsewhere: not trusted
    (folder / f"{name}.json").unlink()
    shutil.rmtree(folder)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir(mode=0o700)
    folder.symlink_to(elsewhere, target_is_directory=True)
    assert _load_demo(grid, path).id == "tests" and list(elsewhere.iterdir()) == []
    assert not marker.exists()


def test_an_edit_during_a_build_is_not_stored_under_the_old_key(tmp_path, monkeypatch):
    from gradation.files import cache

    monkeypatch.setenv("GRADATION_CACHE_DIR", str(tmp_path / "k"))
    source = write(tmp_path / "f.txt", "avant")

    def build() -> str:
        source.write_text("pendant", "utf-8")  # a concurrent edit
        return "construit depuis « avant »"

    assert cache.cached([source], "x", build, str, str) == "construit depuis « avant »"
    folder = cache.cache_dir()
    assert folder is None or list(folder.glob("*.json")) == []


def test_interrupting_an_addition_says_so(cli, tmp_path, monkeypatch):
    from gradation.territory import directory

    path = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(directory, "update", interrupted)
    result = cli("resources", "add", "-t", str(path), "--id", "x", "--name", "X", "--kind",
                 "cmp")
    assert result.exit_code == 130
    assert "Ajout interrompu : le fichier n'a pas été modifié." in result.stderr


def test_an_interruption_just_after_the_write_says_the_file_was_changed(cli, tmp_path,
                                                                         monkeypatch):
    """Issue 24: Ctrl-C right after the file was replaced printed « pas été modifié »."""
    import gradation.files.safe as safe

    path = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))
    real_replace = os.replace

    def replace_then_interrupt(src, dst):  # type: ignore[no-untyped-def]
        real_replace(src, dst)
        raise KeyboardInterrupt  # the instant after the file was replaced

    monkeypatch.setattr(safe.os, "replace", replace_then_interrupt)
    result = cli("resources", "add", "-t", str(path), "--id", "x", "--name", "X", "--kind",
                 "cmp")
    monkeypatch.undo()
    assert result.exit_code == 130
    assert "n'a pas été modifié" not in result.stderr
    assert "Ajout interrompu après l'écriture" in result.stderr and "a été modifié" in result.stderr
    assert "id: x" in path.read_text("utf-8")  # the message tells the truth: it was


def test_dates_and_waits_out_of_bounds_are_refused(cli, tmp_path):
    future = (dt.date.today() + dt.timedelta(days=800)).isoformat()
    path = write(tmp_path / "b.yaml", f"""
        territory: {{id: b, name: "B"}}
        resources:
          - {{id: a, name: "A", kind: cmp, verified_on: {future}}}
          - {{id: b, name: "B", kind: cmp, wait_weeks: 521}}
          - {{id: c, name: "C", kind: cmp, verified_on: 2026-01-01 10:00:00}}
        """)
    result = cli("grid", "validate", str(path))
    assert result.exit_code == 3
    assert "invraisemblable" in result.stdout and "au plus 520" in result.stdout
    assert "sans heure" in result.stdout and "Traceback" not in result.stdout + result.stderr
    _ = time  # (imported for the subprocess tests' timeouts)


class DocumentAsker:
    """The questionnaire's side of « Fichier à écrire », scripted."""

    def __init__(self, paths: list[str], confirms: list[bool]) -> None:
        self.paths = list(paths)
        self.confirms = list(confirms)
        self.defaults: list[Path] = []
        self.said: list[str] = []

    def output_path(self, document: str, default: Path) -> Path:
        self.defaults.append(default)
        return Path(self.paths.pop(0))

    def confirm(self, message: str) -> bool:
        return self.confirms.pop(0)

    def recipient(self, choices: list[tuple[str, str]]) -> str:
        return choices[0][0]

    def say(self, message: str) -> None:
        self.said.append(message)


def test_the_document_name_is_free_overwriting_asks_and_an_error_asks_again(
        grid, demo, tmp_path, monkeypatch):
    from gradation.consult.session import Outcome, _write_document
    from gradation.core.decision import decide

    monkeypatch.chdir(tmp_path)
    (tmp_path / "courrier.md").write_text("le courrier du patient précédent", "utf-8")
    answers = {k: {"oui": True, "non": False}.get(v, v) for k, v in PSY.items()}
    result = decide(grid, grid.situations["psychiatrie"], answers, demo, TODAY)
    asker = DocumentAsker(["courrier.md", "absent/courrier.md", "nouveau.md"], [False])
    outcome = Outcome(grid, result, "text", None, asker=asker)
    written = _write_document(outcome, "lettre")
    assert asker.defaults[0] == Path("courrier-2.md")  # a name that does not exist yet
    assert (tmp_path / "courrier.md").read_text("utf-8") == "le courrier du patient précédent"
    assert asker.said and "introuvable" in asker.said[0]  # a missing folder: asked again
    assert written == Path("nouveau.md") and (tmp_path / "nouveau.md").is_file()


def test_a_finess_import_never_replaces_an_existing_file_without_merge(cli, tmp_path):
    from test_finess import SAMPLE_LINES, extract

    sample = extract(tmp_path, *SAMPLE_LINES)
    existing = write(tmp_path / "t.yaml", TERRITORY.read_text("utf-8"))
    before = existing.read_bytes()
    result = cli("import", "finess", str(sample), "--id", "x", "--name", "X", "--output",
                 str(existing))
    assert result.exit_code == 1 and "--merge" in result.stderr
    assert existing.read_bytes() == before
