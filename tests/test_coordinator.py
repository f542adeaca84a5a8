"""Coordinator commands: validate, check, schema, export, resources editing, territories."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat

import pytest
from conftest import ROOT, write

from gradation.files.locate import default_grids_dir

BROKEN = ROOT / "tests" / "broken" / "territories"

COMMENTED = """\
# Territoire de test — commentaire d'en-tête à conserver
territory:
  id: t   # identifiant court
  name: 'Territoire « commenté »'
  communes:
    - {insee: "99001", name: "Alpha"}
    - {insee: "99002", name: "Bêta"}

resources:
  # --- Première ligne ---
  - id: mg-a
    name: "Dr A"   # le médecin du bourg
    kind: medecin-generaliste
    phone: '01 99 00 00 01'
    wait_weeks: 1
  # --- Deuxième ligne ---
  - {id: cmp-a, name: "CMP A", kind: cmp, serves: ["99001"]}
"""


@pytest.fixture
def territory(tmp_path):  # type: ignore[no-untyped-def]
    return write(tmp_path / "t.yaml", COMMENTED)


def test_validate_reports_every_broken_file_at_once(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    paths = sorted(p.relative_to(ROOT) for p in BROKEN.glob("*.yaml"))
    result = cli("grid", "validate", *map(str, paths))
    assert result.exit_code == 3
    out = result.stdout
    for path in paths:
        expected = path.with_suffix(".expected")
        for line in (ROOT / expected).read_text(encoding="utf-8").splitlines()[:-1]:
            # the report is the same as the loader's, minus the per-file summary
            if "avertissement" in line and "plus d'un an" in line:
                continue  # depends on today's date
            assert line in out
    assert out.strip().splitlines()[-1].endswith(f"({len(paths)} fichiers ou dossiers vérifiés).")


def test_validate_defaults_and_strict(cli, tmp_path):
    assert cli("grid", "validate").exit_code == 0
    warned = write(tmp_path / "w.yaml", """
        territory: {id: w, name: "W", communes: [{insee: "99001", name: "A"}]}
        resources:
          - {id: a, name: "A", kind: cmp, serves: ["99002"]}
        """)
    result = cli("grid", "validate", str(warned))
    assert result.exit_code == 0 and "0 erreur, 1 avertissement" in result.stdout
    assert cli("grid", "validate", "--strict", str(warned)).exit_code == 3


def test_validate_a_situation_file_and_a_grid_folder(cli, tmp_path):
    grids = tmp_path / "g"
    shutil.copytree(default_grids_dir(), grids)
    situation = grids / "situations" / "gaja.yaml"
    situation.write_text(situation.read_text("utf-8").replace("extension: [chs, hopital-de-jour,",
                                                              "extension: [chs, hopital-de-jours,"),
                         "utf-8")
    for target in (situation, grids):
        result = cli("grid", "validate", str(target))
        assert result.exit_code == 3
        assert "gaja.yaml:" in result.stdout
        assert "type « hopital-de-jours » inconnu du catalogue — vouliez-vous dire « hopital-de-jour » ?" in result.stdout


def test_grid_check_proves_a_grid_or_fails_with_a_counterexample(cli, tmp_path):
    # two situations only: the shipped grids are proved once per session (shipped_findings);
    # addictions stays because a number of the model reads its question « produit »
    grids = tmp_path / "g"
    shutil.copytree(default_grids_dir(), grids)
    for other in (grids / "situations").glob("*.yaml"):
        if other.name not in ("psychiatrie.yaml", "addictions.yaml"):
            other.unlink()
    result = cli("grid", "check", str(grids))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.startswith("✓ 2 situations prouvées : ")
    path = grids / "situations" / "psychiatrie.yaml"
    path.write_text(path.read_text("utf-8").replace(
        'when: "decompensation and retentissement = severe"',
        'when: "decompensation and not rupture_de_soins"'), "utf-8")
    result = cli("grid", "check", str(grids))
    assert result.exit_code == 1
    assert "[monotone] « rupture_de_soins » passé de non à oui abaisse le niveau de 3 à 2" in (
        result.stdout)
    assert "contre-exemple : age=" in result.stdout and "rupture_de_soins=non" in result.stdout


def test_schema_is_json_schema_of_territory_files(cli):
    result = cli("grid", "schema")
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    resource = schema["$defs"]["Resource"]
    assert {"id", "name", "kind", "serves", "wait_weeks"} <= set(resource["properties"])
    assert resource["additionalProperties"] is False


def test_export_then_use_adapted_grids(cli, tmp_path, monkeypatch):
    target = tmp_path / "mes-grilles"
    assert cli("grid", "export", str(target)).exit_code == 0
    assert (target / "model.yaml").is_file() and (target / "situations" / "gaja.yaml").is_file()
    assert cli("grid", "export", str(target)).exit_code == 1  # never overwrites
    model = target / "model.yaml"
    text, count = re.subn(r'(?m)^version: ".*"$', 'version: "local-1"', model.read_text("utf-8"))
    assert count == 1
    model.write_text(text, "utf-8")
    monkeypatch.setenv("GRADATION_GRIDS", str(target))
    result = cli("orient", "-s", "psychiatrie", "-f", "json", "-a", "agitation=oui")
    assert json.loads(result.stdout)["grid"]["version"] == "local-1"


def test_add_keeps_comments_order_and_quoting(cli, territory):
    before = territory.read_text(encoding="utf-8")
    result = cli("resources", "add", "--territory", str(territory), "--id", "psy-b",
                 "--name", "Mme B (psychologue)", "--kind", "psychologue", "--serves",
                 "99001,99002", "--age-min", "3", "--wait-weeks", "2", "--verified-on",
                 "2026-11-01", "--phone", "01 99 00 00 09")
    assert result.exit_code == 0, result.stderr
    after = territory.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # everything before is byte for byte kept
    added = after[len(before.rstrip("\n")):]
    assert '- id: "psy-b"' in added or "- id: psy-b" in added
    assert 'serves: ["99001", "99002"]' in added
    assert "age: {min: 3}" in added
    assert added.index("name") < added.index("kind") < added.index("serves") < added.index(
        "phone") < added.index("wait_weeks") < added.index("verified_on")


def test_edit_changes_only_what_is_asked(cli, territory):
    result = cli("resources", "edit", "mg-a", "--territory", str(territory), "--wait-weeks",
                 "3", "--hours", "lundi–vendredi", "--unset", "phone")
    assert result.exit_code == 0, result.stderr
    after = territory.read_text(encoding="utf-8")
    assert "# le médecin du bourg" in after and "# identifiant court" in after
    assert "name: 'Territoire « commenté »'" in after  # quoting kept
    assert "wait_weeks: 3" in after and "01 99 00 00 01" not in after
    assert after.index('hours: "lundi–vendredi"') < after.index("wait_weeks: 3")
    assert '{id: cmp-a, name: "CMP A", kind: cmp, serves: ["99001"]}' in after


def test_remove_and_list_with_filters(cli, territory):
    listed = cli("resources", "list", "-t", str(territory), "--commune", "99002").stdout
    assert "mg-a" in listed and "cmp-a" not in listed
    listed = cli("resources", "list", "-t", str(territory), "--situation", "psychiatrie",
                 "--kind", "cmp").stdout
    assert "cmp-a" in listed and "mg-a" not in listed
    assert '"Dr A"' in cli("resources", "show", "mg-a", "-t", str(territory)).stdout
    assert cli("resources", "remove", "cmp-a", "-t", str(territory)).exit_code == 0
    after = territory.read_text(encoding="utf-8")
    assert "cmp-a" not in after and "# le médecin du bourg" in after


@pytest.mark.parametrize("args", [
    ["add", "--id", "x", "--name", "X", "--kind", "cpm"],  # unknown kind
    ["add", "--id", "mg-a", "--name", "X", "--kind", "cmp"],  # duplicate id
    ["edit", "mg-a", "--serves", "9901"],  # malformed INSEE
    ["edit", "mg-a", "--level", "2"],  # level without situations
    ["edit", "nobody", "--name", "X"],  # unknown resource
    ["remove", "nobody"],
])
def test_refused_edits_leave_the_file_identical(cli, territory, args):
    before = territory.read_bytes()
    result = cli("resources", args[0], *args[1:], "--territory", str(territory))
    assert result.exit_code != 0
    assert result.stderr.strip() and "Traceback" not in result.stderr
    assert territory.read_bytes() == before


def test_refusal_names_the_problem(cli, territory):
    result = cli("resources", "add", "-t", str(territory), "--id", "x", "--name", "X",
                 "--kind", "cpm")
    assert result.exit_code == 1
    assert "type « cpm » inconnu — vouliez-vous dire « cmp » ?" in result.stderr
    assert "n'a pas été modifié" in result.stderr


@pytest.mark.parametrize("command", [
    ("edit", "mg-a", "--wait-weeks", "9"),
    ("add", "--id", "psy-z", "--name", "Mme Z", "--kind", "psychologue"),
    ("remove", "mg-a"),
])
def test_interrupted_write_leaves_the_original(cli, territory, monkeypatch, command):
    before = territory.read_bytes()
    real_replace = os.replace
    calls = []

    def crash(src, dst):  # type: ignore[no-untyped-def]
        if os.path.abspath(dst) == str(territory):
            calls.append(dst)
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C at the worst moment
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    result = cli("resources", *command, "-t", str(territory))
    assert calls  # the command did reach the replacement of the file: it writes atomically
    assert result.exit_code == 130
    assert territory.read_bytes() == before
    leftovers = [p.name for p in territory.parent.iterdir() if p.name.startswith(".t.yaml")]
    assert leftovers == []  # no temporary file left


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_permissions_are_kept(cli, territory):
    territory.chmod(0o640)
    assert cli("resources", "edit", "mg-a", "-t", str(territory), "--wait-weeks", "2").exit_code == 0
    assert stat.S_IMODE(territory.stat().st_mode) == 0o640


def test_init_use_and_coverage(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("territory", "init", "cpts-val", "--name", "CPTS du Val",
                 "--commune", "99001:Alpha", "--commune", "99002:Bêta")
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "cpts-val.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Territoire « CPTS du Val »") and '"Bêta"' in text
    assert cli("territory", "init", "cpts-val", "--name", "X").exit_code == 1  # exists
    assert cli("resources", "add", "-t", str(path), "--id", "cmp-a", "--name", "CMP",
               "--kind", "cmp", "--serves", "99001").exit_code == 0
    assert cli("grid", "validate", str(path)).exit_code == 0
    assert cli("territory", "use", str(path)).exit_code == 0
    data = json.loads(cli("orient", "-s", "psychiatrie", "-f", "json",
                          "-a", "agitation=oui").stdout)
    assert data["grid"]["territory"] == "cpts-val"
    monkeypatch.setenv("GRADATION_TERRITORY", "demo")  # the variable wins
    data = json.loads(cli("orient", "-s", "psychiatrie", "-f", "json",
                          "-a", "agitation=oui").stdout)
    assert data["grid"]["territory"] == "demo"
    monkeypatch.delenv("GRADATION_TERRITORY")
    report = cli("territory", "coverage", "-f", "markdown").stdout
    assert "| psychiatrie | 0 | 1 | 1 | 0 |" in report  # the CMP evaluates within 72 h at level 3
    bêta = report.split("- **Bêta** (99002) : \n")[1]
    assert bêta.startswith("  - anxio-depression niveau 1 — à trouver : ")
    assert "  - psychiatrie niveau 2 — à trouver : psychiatre, cmp, cmpi, mda\n" in bêta
    assert "psychiatrie niveau 2" not in report.split("**Alpha**")[1].split("**Bêta**")[0]
    csv_text = cli("territory", "coverage", "-f", "csv").stdout
    # for a French Excel: « ; » and its byte-order mark (CRLF: in the file below)
    assert csv_text.startswith("\ufeffcommune;nom;situation;niveau;ressources;")
    assert "99001;Alpha;psychiatrie;2;1;\n" in csv_text
    assert "99002;Bêta;psychiatrie;2;0;psychiatre, cmp, cmpi, mda\n" in csv_text
    written = tmp_path / "couverture.csv"
    assert cli("territory", "coverage", "-f", "csv", "-o", str(written)).exit_code == 0
    assert written.read_bytes().startswith(
        b"\xef\xbb\xbfcommune;nom;situation;niveau;ressources;types qui y r")


def test_stale_entries(cli, tmp_path):
    recent = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    path = write(tmp_path / "s.yaml", f"""
        territory: {{id: s, name: "S"}}
        resources:
          - {{id: jamais, name: "Jamais", kind: cmp}}
          - {{id: vieux, name: "Vieux", kind: cmp, verified_on: 2020-01-01}}
          - {{id: neuf, name: "Neuf", kind: cmp, verified_on: {recent}}}
        """)
    result = cli("territory", "stale", "-t", str(path))
    assert result.exit_code == 0
    out = result.stdout
    assert "jamais — Jamais : jamais vérifiée" in out and "vieux — Vieux : vérifiée le 01/01/2020" in out
    assert "neuf" not in out and "2 fiches à vérifier (seuil : 365 jours)." in out  # orient's
    assert cli("territory", "stale", "-t", str(path), "--older-than", "douze").exit_code == 2


@pytest.mark.skipif(os.name == "nt", reason="pexpect needs a POSIX pty")
def test_pty_add_asks_for_what_is_missing(territory, tmp_path):
    import sys

    import pexpect

    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(tmp_path / "k")}
    child = pexpect.spawn(sys.executable, ["-m", "gradation", "resources", "add", "-t",
                                           str(territory), "--phone", "01 99 00 00 42"],
                          env=env, encoding="utf-8", timeout=20)
    child.expect_exact("Identifiant")
    child.send("Mauvais Id\r")
    child.expect_exact("Minuscules sans accent")  # checked as it is typed
    child.send("\x7f" * 10 + "mg-nouveau\r")
    child.expect_exact("Nom affiché")
    child.send("Dr Nouveau\r")
    child.expect_exact("Type de ressource")
    child.send("xyz\r")  # not a kind: said in French, asked again
    child.expect_exact("Type inconnu")
    child.send("\x7f" * 3 + "medecin-generaliste\r")  # the id, as `gradation kinds` lists it
    child.expect_exact("ajoutée")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = territory.read_text(encoding="utf-8")
    assert "id: mg-nouveau" in text and "kind: medecin-generaliste" in text
    assert '"01 99 00 00 42"' in text


def test_kinds_lists_every_id_that_resources_add_takes(cli):
    import yaml as _yaml

    model = _yaml.safe_load((ROOT / "grids" / "model.yaml").read_text("utf-8"))
    out = cli("kinds", "-f", "markdown").stdout
    unescaped = out.replace("\\", "")  # the Markdown escapes of the labels taken off
    for kind in model["kinds"]:  # each id, with its label, exactly as the catalogue says
        assert f"| `{kind['id']}` | {kind['label']} |" in unescaped
    assert "| `cmpi` | CMP infanto-juvénile | Sanitaire | 2e ligne | 156 |" in out
    text = cli("kinds").stdout
    assert "Types de ressources (" in text and "pedopsychiatre" in text
    help_text = " ".join(cli("resources", "add", "--help").stdout.split())
    assert "gradation kinds" in help_text


def test_a_warning_names_the_resource_by_its_id(cli, tmp_path):
    path = write(tmp_path / "t.yaml", """\
        territory: {id: t, name: T, communes: [{insee: "99001", name: A}]}
        resources:
          - {id: mg-a, name: "A", kind: medecin-generaliste}
          - {id: cmp-val, name: "CMP du Val", kind: cmp, phone: "0123", serves: ["99009"]}
        """)
    out = cli("grid", "validate", str(path)).stdout
    assert "resources[1].phone : « 0123 » n'est pas un numéro français" in out
    assert out.count("— ressource « cmp-val »") == 2 and "mg-a" not in out
