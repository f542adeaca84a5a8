"""`gradation import hsds --merge`: a partner's HSDS package merged into the coordinator's
territory with the FINESS merge's rules — hand edits kept, newer declarations followed, removals
remembered, comments and untouched lines kept, the same package twice changes nothing."""

from __future__ import annotations

import shutil

import yaml
from conftest import ROOT

DEMO = ROOT / "grids" / "territories" / "demo.yaml"
NEW_SERVICE = """  - id: gem-exempleville
    name: "GEM d'Exempleville"
    kind: associations
    phone: "01 99 00 09 09"
    hours: "mardi et jeudi 14h–18h"
"""


def package(cli, tmp_path, name: str, edits: list[tuple[str, str]], extra: str = ""):  # type: ignore[no-untyped-def]
    """The partner's package: the demo territory with `edits` (old, new) and `extra` entries."""
    text = DEMO.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    theirs = tmp_path / f"{name}.yaml"
    theirs.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    folder = tmp_path / name
    result = cli("territory", "export", "-t", str(theirs), "-o", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def entry(path, rid: str) -> dict:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return next(r for r in data["resources"] if r["id"] == rid)


def test_the_same_package_changes_nothing(cli, tmp_path):
    ours = tmp_path / "ours.yaml"
    shutil.copy(DEMO, ours)
    folder = package(cli, tmp_path, "same", [])
    result = cli("import", "hsds", str(folder), "--merge", str(ours))
    assert result.exit_code == 0, result.output
    assert "rien à changer" in result.stdout
    assert ours.read_bytes() == DEMO.read_bytes()


def test_a_merge_keeps_hand_edits_follows_newer_waits_and_adds_new_services(cli, tmp_path):
    ours = tmp_path / "ours.yaml"
    shutil.copy(DEMO, ours)
    folder = package(cli, tmp_path, "theirs", [
        ('phone: "01 99 00 02 04"', 'phone: "01 99 00 07 07"'),  # the CMP's phone
        ("    wait_weeks: 5\n", "    wait_weeks: 3\n"),  # Boisjoli's wait, declared later
        ("    wait_as_of: 2026-10-01\n    verified_on: 2026-09-15",
         "    wait_as_of: 2026-11-20\n    verified_on: 2026-11-20"),
        ('    age: {min: 16}\n    phone: "01 99 00 02 05"',
         '    age: {min: 18}\n    phone: "01 99 00 02 05"'),  # Boisjoli's ages: ours to say
    ], NEW_SERVICE)
    result = cli("import", "hsds", str(folder), "--merge", str(ours))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    # no record of what was imported: the phone may have been typed by hand, so it is kept
    assert entry(ours, "cmp-exempleville")["phone"] == "01 99 00 02 04"
    assert "téléphone gardé(e), modifié(e) à la main (paquet : 01 99 00 07 07)" in out
    boisjoli = entry(ours, "cmp-boisjoli")
    assert (boisjoli["wait_weeks"], str(boisjoli["wait_as_of"]), str(boisjoli["verified_on"])
            ) == (3, "2026-11-20", "2026-11-20")
    assert boisjoli["age"] == {"min": 16}
    assert "délai déclaré mis à jour (déclaration du 2026-11-20)" in out
    assert "ajouté : gem-exempleville GEM d'Exempleville" in out
    text = ours.read_text(encoding="utf-8")
    # the comment above Boisjoli's urgent slot is where it was
    assert ("    # créneaux réservés : un patient adressé en urgence par son médecin est vu "
            "sous 2 jours\n    urgent_days: 2\n    wait_as_of: 2026-11-20") in text
    assert "hsds_merged:" in text
    gem = entry(ours, "gem-exempleville")
    assert gem["imported"] == {"name": "GEM d'Exempleville", "phone": "01 99 00 09 09",
                               "hours": "mardi et jeudi 14h–18h"}


def test_an_older_declaration_does_not_replace_a_newer_one(cli, tmp_path):
    ours = tmp_path / "ours.yaml"
    shutil.copy(DEMO, ours)
    folder = package(cli, tmp_path, "old", [
        ("    wait_weeks: 5\n", "    wait_weeks: 1\n"),
        ("    wait_as_of: 2026-10-01\n    verified_on: 2026-09-15",
         "    wait_as_of: 2026-09-30\n    verified_on: 2026-09-15")])
    result = cli("import", "hsds", str(folder), "--merge", str(ours))
    assert result.exit_code == 0, result.output
    assert entry(ours, "cmp-boisjoli")["wait_weeks"] == 5
    assert ours.read_bytes() == DEMO.read_bytes()


def test_what_a_merge_brought_follows_the_package_unless_changed_by_hand(cli, tmp_path):
    ours = tmp_path / "ours.yaml"
    shutil.copy(DEMO, ours)
    first = package(cli, tmp_path, "first", [], NEW_SERVICE + NEW_SERVICE.replace(
        "gem-exempleville", "gem-boisjoli").replace("GEM d'Exempleville", "GEM de Boisjoli"
                                                    ).replace("09 09", "08 08"))
    assert cli("import", "hsds", str(first), "--merge", str(ours)).exit_code == 0
    text = ours.read_text(encoding="utf-8")
    ours.write_text(text.replace('phone: "01 99 00 08 08"', 'phone: "01 99 00 08 00"'),
                    encoding="utf-8")  # the coordinator corrects Boisjoli's GEM by hand
    later = package(cli, tmp_path, "later", [], (NEW_SERVICE + NEW_SERVICE.replace(
        "gem-exempleville", "gem-boisjoli").replace("GEM d'Exempleville", "GEM de Boisjoli"
                                                    ).replace("09 09", "08 08")
    ).replace("mardi et jeudi", "lundi et jeudi"))
    result = cli("import", "hsds", str(later), "--merge", str(ours))
    assert result.exit_code == 0, result.output
    assert entry(ours, "gem-exempleville")["hours"] == "lundi et jeudi 14h–18h"
    assert entry(ours, "gem-boisjoli")["phone"] == "01 99 00 08 00"
    assert entry(ours, "gem-boisjoli")["hours"] == "lundi et jeudi 14h–18h"
    assert "horaires mis(e) à jour" in result.stdout


def test_a_service_removed_by_hand_is_not_brought_back(cli, tmp_path):
    ours = tmp_path / "ours.yaml"
    shutil.copy(DEMO, ours)
    folder = package(cli, tmp_path, "theirs", [], NEW_SERVICE)
    assert cli("import", "hsds", str(folder), "--merge", str(ours)).exit_code == 0
    removed = cli("resources", "remove", "gem-exempleville", "-t", str(ours))
    assert removed.exit_code == 0, removed.output
    assert "hsds_ignore" in removed.stdout
    assert "  - gem-exempleville  # gem-exempleville « GEM d'Exempleville », retiré le" in (
        ours.read_text(encoding="utf-8"))
    before = ours.read_bytes()
    again = cli("import", "hsds", str(folder), "--merge", str(ours))
    assert again.exit_code == 0, again.output
    assert "non repris (hsds_ignore, finess_ignore) : gem-exempleville" in again.stdout
    assert ours.read_bytes() == before


def test_a_dry_run_merge_prints_the_diff_and_writes_nothing(cli, tmp_path):
    ours = tmp_path / "ours.yaml"
    shutil.copy(DEMO, ours)
    folder = package(cli, tmp_path, "theirs", [], NEW_SERVICE)
    result = cli("import", "hsds", str(folder), "--merge", str(ours), "--dry-run")
    assert result.exit_code == 0, result.output
    assert '+  - id: gem-exempleville' in result.stdout
    assert ours.read_bytes() == DEMO.read_bytes()


def test_entries_absent_from_the_package_are_kept_and_listed(cli, tmp_path):
    ours = tmp_path / "ours.yaml"
    shutil.copy(DEMO, ours)
    text = DEMO.read_text(encoding="utf-8")
    start = text.index("  - id: cmp-boisjoli")
    end = text.index("  - id:", start + 5)
    folder = package(cli, tmp_path, "fewer", [(text[start:end], "")], NEW_SERVICE)
    result = cli("import", "hsds", str(folder), "--merge", str(ours))
    assert result.exit_code == 0, result.output
    assert "Absents du paquet (gardés) :\n  cmp-boisjoli" in result.stdout
    assert entry(ours, "cmp-boisjoli")["name"] == "CMP adultes de Boisjoli"
