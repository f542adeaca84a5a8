"""Coordinators never lose a line, round 3: edits on the lines a person wrote."""

from __future__ import annotations

import difflib

import pytest
from conftest import write

# An entry whose comment stands left of its keys, as a coordinator comments out a field.
LEFT_COMMENT = """\
territory:
  id: t
  name: "T"
  communes:
    - {insee: "99001", name: "Alpha"}

resources:
  - id: cmpi
    name: "CMPI"
    kind: cmpi
    age: {max: 12}
# phone: "01 99 00 00 09"
    serves: ["99001"]
  - id: cmp-adulte   # les adultes du secteur
    name: "CMP"
    kind: cmp
  # rappel : vérifier le numéro
    serves: ["99001"]
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_removing_an_entry_with_a_comment_left_of_its_keys_takes_that_entry_only(cli, tmp_path):
    path = write(tmp_path / "t.yaml", LEFT_COMMENT)
    result = cli("resources", "remove", "cmpi", "-t", str(path))
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text == LEFT_COMMENT.replace(
        '  - id: cmpi\n    name: "CMPI"\n    kind: cmpi\n    age: {max: 12}\n'
        '# phone: "01 99 00 00 09"\n    serves: ["99001"]\n', "")
    listed = cli("resources", "list", "-t", str(path), "--format", "json")
    assert "max" not in listed.stdout  # the adult CMP did not inherit the child's ages


@pytest.mark.parametrize(("args", "expected"), [
    (["cmpi", "--phone", "01 99 00 00 08"],
     ['+    phone: "01 99 00 00 08"']),
    (["cmp-adulte", "--name", "CMP adultes"],
     ['-    name: "CMP"', '+    name: "CMP adultes"']),
    (["cmp-adulte", "--wait-weeks", "3"], ["+    wait_weeks: 3"]),
])
def test_a_one_field_edit_is_a_one_line_diff_whatever_the_comments(cli, tmp_path, args,
                                                                   expected):
    path = write(tmp_path / "t.yaml", LEFT_COMMENT)
    result = cli("resources", "edit", *args, "-t", str(path))
    assert result.exit_code == 0, result.output
    assert changed_lines(LEFT_COMMENT, path.read_text(encoding="utf-8")) == expected


FLOW = """\
territory:
  id: t
  name: "T"
  communes:
    - {insee: "99001", name: "Alpha"}   # le bourg
    - {insee: "99002", name: "Bêta"}

resources:
  - {id: cmp-a, name: "CMP A", kind: cmp, serves: ["99001"]}   # à revoir en janvier
  - id: mg-a   # le médecin du bourg
    name: 'Dr A'
    kind: medecin-generaliste
    serves:
      - "99001"   # Alpha
      - "99002"      # Bêta
    phone: "01 99 00 00 01"  # le secrétariat
"""


def test_comments_after_a_flow_entry_and_on_list_items_stay(cli, tmp_path):
    path = write(tmp_path / "t.yaml", FLOW)
    assert cli("resources", "edit", "cmp-a", "--wait-weeks", "2", "-t", str(path)).exit_code == 0
    assert cli("resources", "edit", "mg-a", "--phone", "01 99 00 00 02", "-t",
               str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert changed_lines(FLOW, text)[:4] == [
        '-  - {id: cmp-a, name: "CMP A", kind: cmp, serves: ["99001"]}   # à revoir en janvier',
        '+  - {id: cmp-a, name: "CMP A", kind: cmp, serves: ["99001"], wait_weeks: 2}   '
        '# à revoir en janvier',
        '-    phone: "01 99 00 00 01"  # le secrétariat',
        '+    phone: "01 99 00 00 02"  # le secrétariat',
    ]
    for kept in ('      - "99001"   # Alpha', '      - "99002"      # Bêta',
                 '  - id: mg-a   # le médecin du bourg',
                 '    - {insee: "99001", name: "Alpha"}   # le bourg'):
        assert kept in text.splitlines()


def test_a_comment_with_a_hash_inside_quotes_is_told_apart():
    from gradation.territory.lines import trailing_comment

    assert trailing_comment('    name: "Maison #2"  # la deuxième') == "  # la deuxième"
    assert trailing_comment("    name: 'l''#un'") == ""
    assert trailing_comment("    url: https://x.fr/#ancre") == ""


def test_an_edit_keeps_each_line_ending_of_a_file_with_a_few_crlf_lines(cli, tmp_path):
    lines = FLOW.splitlines()
    data = "".join(line + ("\r\n" if n in (0, 9, 14) else "\n") for n, line in enumerate(lines))
    path = tmp_path / "t.yaml"
    path.write_bytes(data.encode("utf-8"))
    assert cli("resources", "edit", "mg-a", "--name", "Dr B", "-t", str(path)).exit_code == 0
    after = path.read_bytes().decode("utf-8")
    assert after == data.replace("name: 'Dr A'", 'name: "Dr B"')
    assert after.count("\r\n") == 3


def test_unsetting_a_field_takes_its_line_only(cli, tmp_path):
    path = write(tmp_path / "t.yaml", FLOW)
    assert cli("resources", "edit", "mg-a", "--unset", "serves", "-t", str(path)).exit_code == 0
    assert changed_lines(FLOW, path.read_text(encoding="utf-8")) == [
        "-    serves:", '-      - "99001"   # Alpha', '-      - "99002"      # Bêta']


def test_every_entry_of_the_demo_territory_takes_a_one_line_edit(grid, tmp_path):
    from gradation.files.locate import default_grids_dir
    from gradation.files.territories import load_territory
    from gradation.territory import directory

    source = (default_grids_dir() / "territories" / "demo.yaml").read_text(encoding="utf-8")
    path = tmp_path / "demo.yaml"
    path.write_text(source, encoding="utf-8")
    ids = [r.id for r in load_territory(path, grid).resources]
    assert len(ids) > 20
    for rid in ids:
        before = path.read_text(encoding="utf-8")
        directory.update(path, grid, lambda e, rid=rid: e.edit(rid, {"wait_weeks": 7}, []))
        diff = changed_lines(before, path.read_text(encoding="utf-8"))
        assert len([line for line in diff if line.startswith("+")]) == 1, (rid, diff)
        assert len(diff) <= 2, (rid, diff)
    assert {r.wait_weeks for r in load_territory(path, grid).resources} == {7}


# --- FINESS merges that stay home ---------------------------------------------------------------

HAND_WRITTEN = """\
# CPTS du Val — annuaire tenu par la coordination
territory:
  id: val
  name: "CPTS du Val"
  updated_on: 2026-05-01
  communes:
    - {insee: "99001", name: "Exempleville"}
    - {insee: "99002", name: "Valdeville"}   # rattachée en 2025

resources:
  # Saisi à la main
  - id: psy-martin
    name: "Mme Martin, psychologue"
    kind: psychologue
    serves: ["99001"]
"""


def _structure(finess: str, name: str, category: str, commune: str, routing: str,
               phone: str) -> str:
    return ";".join(["structureet", finess, "990000990", name, name, "", "", "1", "R",
                     "DE LA PAIX", "", "", commune, "99", "DEPT", routing, phone, "", category,
                     "Libellé", "", "", "", "", "", "", "", "", "2001-01-01", "2001-01-01",
                     "2026-05-01", ""])


def _finess_extract(tmp_path, name: str, date: str, csapa_phone: str):  # type: ignore[no-untyped-def]
    lines = [f"finess;etalab;99;{date}",
             _structure("990000016", "CMP ADULTES EXEMPLEVILLE", "156", "001",
                        "99100 EXEMPLEVILLE", "0199000101"),
             _structure("990000024", "CENTRE HOSPITALIER D'EXEMPLEVILLE", "355", "001",
                        "99100 EXEMPLEVILLE", "0199000200"),
             _structure("990000032", "CSAPA DU VAL", "197", "002", "99200 VALDEVILLE",
                        csapa_phone),
             # another commune: never merged into this territory without being asked
             _structure("990000040", "CMP DE LOINVILLE", "156", "003", "99300 LOINVILLE",
                        "0199000300")]
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_merges_twice_an_older_extract_removals_then_a_merge_leave_the_expected_file(
        cli, tmp_path):
    import datetime as dt

    from conftest import ROOT

    path = write(tmp_path / "t.yaml", HAND_WRITTEN)
    june = _finess_extract(tmp_path, "juin.csv", "2026-06-01", "0199000400")
    merged = cli("import", "finess", str(june), "--merge", str(path), "-o", str(path))
    assert merged.exit_code == 0, merged.output
    assert "ajouté : centre-hospitalier-d-exempleville-urgences (990000024) Service " \
           "d'urgences — Centre Hospitalier d'Exempleville" in merged.stdout
    assert "loinville" not in path.read_text(encoding="utf-8").lower()
    once = path.read_bytes()
    again = cli("import", "finess", str(june), "--merge", str(path), "-o", str(path))
    assert again.exit_code == 0 and path.read_bytes() == once
    older = _finess_extract(tmp_path, "janvier.csv", "2026-01-01", "0199000401")
    refused = cli("import", "finess", str(older), "--merge", str(path), "-o", str(path))
    assert refused.exit_code == 1 and path.read_bytes() == once
    assert "plus ancien que le dernier fusionné (2026-06-01)" in refused.stderr
    for rid, noted in (("csapa-du-val", "(990000032)"),
                       ("centre-hospitalier-d-exempleville-urgences", "(990000024:urgences)")):
        removed = cli("resources", "remove", rid, "-t", str(path))
        assert removed.exit_code == 0 and noted in removed.stdout
    september = _finess_extract(tmp_path, "septembre.csv", "2026-09-01", "0199000402")
    last = cli("import", "finess", str(september), "--merge", str(path), "-o", str(path))
    assert last.exit_code == 0, last.output
    assert "non repris (finess_ignore) : 990000024:urgences, 990000032" in last.stdout
    golden = (ROOT / "tests" / "golden" / "finess-merge.yaml").read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == golden.replace("{today}",
                                                              dt.date.today().isoformat())


def test_an_older_extract_merges_with_force(cli, tmp_path):
    path = write(tmp_path / "t.yaml", HAND_WRITTEN)
    june = _finess_extract(tmp_path, "juin.csv", "2026-06-01", "0199000400")
    assert cli("import", "finess", str(june), "--merge", str(path), "-o", str(path)).exit_code == 0
    older = _finess_extract(tmp_path, "janvier.csv", "2026-01-01", "0199000401")
    forced = cli("import", "finess", str(older), "--merge", str(path), "-o", str(path), "--force")
    assert forced.exit_code == 0, forced.output
    text = path.read_text(encoding="utf-8")
    assert "finess_extract: 2026-06-01" in text and "01 99 00 04 01" in text


def test_a_new_territory_from_finess_records_its_extract_and_proposes_emergencies(cli, grid,
                                                                                 tmp_path):
    from gradation.files.territories import load_territory

    out = tmp_path / "new.yaml"
    june = _finess_extract(tmp_path, "juin.csv", "2026-06-01", "0199000400")
    assert cli("import", "finess", str(june), "--id", "val", "--name", "Val", "-o",
               str(out)).exit_code == 0
    territory = load_territory(out, grid)
    assert "\n  finess_extract: 2026-06-01\n" in out.read_text(encoding="utf-8")
    urgent = [r for r in territory.resources if r.kind == "urgences"]
    assert [r.name for r in urgent] == ["Service d'urgences — Centre Hospitalier d'Exempleville"]
    assert "à vérifier" in (urgent[0].notes or "")


# --- Errors where they are, in French -----------------------------------------------------------

@pytest.mark.parametrize(("text", "where", "message"), [
    ('territory:\n  id: t\n  name: "T\n  communes: []\nresources: []\n', ":3:9:",
     "le guillemet « \" » ouvert ici n'est jamais fermé"),
    ("territory:\n  id: t\n  name: 'T\n  communes: []\nresources: []\n", ":3:9:",
     "le guillemet « ' » ouvert ici n'est jamais fermé"),
    ('territory:\n  id: t\n  name: "T"\n  communes: [{insee: "99001", name: "A"}\n'
     'resources: []\n', ":4:13:", "crochet « [ » ouvert ici et jamais fermé"),
    ('territory:\n  id: t\n  name: "T"\n communes: []\nresources: []\n', ":4:2:",
     "indentation incohérente"),
    ('territory:\n  id: t\n  name: "T\\q"\nresources: []\n', ":3:11:",
     "« \\ » inconnu entre guillemets doubles"),
])
def test_a_syntax_error_is_said_in_french_where_it_is(cli, tmp_path, text, where, message):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("grid", "validate", str(path))
    assert result.exit_code == 3
    assert f"t.yaml{where} {message}" in result.stdout
    assert "found" not in result.stdout and "expected" not in result.stdout
    edit = cli("resources", "add", "--id", "x", "--name", "X", "--kind", "cmp", "-t", str(path))
    assert edit.exit_code == 3 and message in edit.stderr and path.read_text("utf-8") == text


def test_a_refused_edit_points_to_lines_that_are_on_disk(cli, tmp_path):
    path = write(tmp_path / "t.yaml", FLOW)
    lines = FLOW.count("\n")
    refused = cli("resources", "edit", "mg-a", "--age-min", "50", "--age-max", "10", "-t",
                  str(path))
    assert refused.exit_code == 1 and path.read_text(encoding="utf-8") == FLOW
    # the age goes after the serves list (lines 13–15), before the phone on line 16
    assert "t.yaml:16: resources[1].age : min (50) supérieur à max (10) — ressource « mg-a » " \
           "(dans la modification proposée)" in refused.stderr
    assert "contenu proposé" not in refused.stderr and lines == 16


# --- --dry-run: the diff, and nothing written ----------------------------------------------------

@pytest.mark.parametrize(("args", "shown"), [
    (["resources", "edit", "mg-a", "--wait-weeks", "4"], ["+    wait_weeks: 4"]),
    (["resources", "remove", "cmp-a"],
     ['-  - {id: cmp-a, name: "CMP A", kind: cmp, serves: ["99001"]}   # à revoir en janvier']),
    (["resources", "add", "--id", "psy-b", "--name", "Mme B", "--kind", "psychologue"],
     ["+  - id: psy-b", '+    name: "Mme B"', "+    kind: psychologue"]),
])
def test_dry_run_shows_the_diff_and_writes_nothing(cli, tmp_path, args, shown):
    path = write(tmp_path / "t.yaml", FLOW)
    before = path.stat().st_mtime_ns
    result = cli(*args, "-t", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[:2] == [f"--- {path}", f"+++ {path}"]
    assert [line for line in out if line and line[0] in "+-" and line[1:3] not in ("--", "++")
            ] == shown
    assert out[-1] == "Simulation (--dry-run) : rien n'a été écrit."
    assert path.read_text(encoding="utf-8") == FLOW and path.stat().st_mtime_ns == before


def test_dry_run_of_a_merge_and_of_a_creation(cli, tmp_path):
    path = write(tmp_path / "t.yaml", HAND_WRITTEN)
    june = _finess_extract(tmp_path, "juin.csv", "2026-06-01", "0199000400")
    merge = cli("import", "finess", str(june), "--merge", str(path), "-o", str(path),
                "--dry-run")
    assert merge.exit_code == 0 and path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert "+  finess_extract: 2026-06-01" in merge.stdout
    assert "+  - id: centre-hospitalier-d-exempleville-urgences" in merge.stdout
    created = tmp_path / "nouveau.yaml"
    new = cli("territory", "init", "val", "--name", "Val", "-o", str(created),
              "--dry-run")
    assert new.exit_code == 0 and not created.exists()
    assert new.stdout.startswith(f"--- /dev/null\n+++ {created}\n")
    assert "+  id: val" in new.stdout


def test_coverage_groups_communes_with_the_same_gaps_and_names_the_kinds_to_find(cli, tmp_path):
    path = write(tmp_path / "t.yaml", """\
        territory:
          id: t
          name: "T"
          communes:
            - {insee: "99001", name: "Alpha"}
            - {insee: "99002", name: "Bêta"}
            - {insee: "99003", name: "Gamma"}
        resources:
          - {id: mg, name: "MG", kind: medecin-generaliste}
          - {id: cmp-a, name: "CMP A", kind: cmp, serves: ["99001"]}
        """)
    out = cli("territory", "coverage", "-t", str(path)).stdout
    assert "  Bêta (99002), Gamma (99003) :\n" in out
    assert "  Alpha (99001) :\n" in out
    group = out.split("  Bêta (99002), Gamma (99003) :\n")[1]
    assert "    psychiatrie niveau 2 — à trouver : psychiatre, cmp, cmpi, mda\n" in group
    assert "    psychiatrie urgence — à trouver : urgences, centre-crise\n" in group
    alpha = out.split("  Alpha (99001) :\n")[1].split("  Bêta")[0]
    assert "psychiatrie niveau 2" not in alpha  # the CMP serves Alpha


def test_one_staleness_threshold_for_the_stale_list_and_orient_and_it_is_said_as_set(
        cli, grid, tmp_path):
    import datetime as dt
    import json

    from conftest import ADULT, answer_flags

    today = dt.date.today()
    old, fresh = today - dt.timedelta(days=366), today - dt.timedelta(days=365)
    path = write(tmp_path / "t.yaml", f"""\
        territory:
          id: t
          name: "T"
          communes: [{{insee: "99001", name: "Alpha"}}]
        resources:
          - {{id: mg-ancien, name: "Dr Ancien", kind: medecin-generaliste, verified_on: {old}}}
          - {{id: mg-recent, name: "Dr Récent", kind: medecin-generaliste, verified_on: {fresh}}}
        """)
    listed = cli("territory", "stale", "-t", str(path)).stdout
    assert "mg-ancien" in listed and "mg-recent" not in listed and "seuil : 365 jours" in listed
    answers = {**ADULT, "perinatalite": "aucun", "suivi_psychiatrique": "non",
               "tentative_evaluee": "non", "maltraitance_suspectee": "non", "phq9": 5, "gad7": 5,
               "retentissement_travail": "non", "doute_diagnostique": "non"}
    out = json.loads(cli("orient", "-s", "anxio-depression", "-t", str(path), "-f", "json",
                         *answer_flags(answers)).stdout)
    said = [w for w in out["warnings"] if "non vérifiée" in w]
    assert len(said) == 1 and "Dr Ancien" in said[0] and "depuis plus d'un an" in said[0]
    # a grid that sets another threshold says it in its words, and the list follows it
    from gradation.core.facts import stale_text

    assert stale_text(180) == "plus de 180 jours" and stale_text(730) == "plus de 2 ans"
    months = cli("territory", "stale", "-t", str(path), "--older-than", "12m").stdout
    if (today.month, today.day) != (2, 29):  # 12 calendar months: a year back, day for day
        assert f"seuil : {(today - today.replace(year=today.year - 1)).days} jours" in months
