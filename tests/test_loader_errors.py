"""Broken files give every problem at once, each located as FILE:LINE:COL with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, TODAY, write

from gradation.errors import LoadError
from gradation.files.territories import load_territory

BROKEN = ROOT / "tests" / "broken" / "territories"


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_territory_report_matches_snapshot(path: Path, grid, monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(LoadError) as caught:
        load_territory(path.relative_to(ROOT), grid, TODAY)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert caught.value.message + "\n" == expected


def test_cli_exits_3_with_the_report_and_an_empty_stdout(cli):
    path = BROKEN / "plusieurs-erreurs.yaml"
    result = cli("orient", "-s", "psychiatrie", "-t", str(path), "-a", "intoxication_aigue=oui")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "plusieurs-erreurs.yaml:9:11: resources[0].kind" in result.stderr
    assert "5 erreurs, 3 avertissements" in result.stderr


def test_non_utf8_file_names_the_position(grid, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("territory:\n  id: t\n  name: \"Cr\xe9teil\"\n".encode("latin-1"))
    with pytest.raises(LoadError) as caught:
        load_territory(path, grid, TODAY)
    assert ":3:12: le fichier n'est pas en UTF-8 (octet 0xe9)" in caught.value.message


def test_byte_order_mark_is_accepted(grid, tmp_path):
    text = "territory:\n  id: t\n  name: \"T\"\nresources: []\n"
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_territory(path, grid, TODAY).id == "t"


def test_empty_and_non_mapping_files(grid, tmp_path):
    for name, text in (("vide.yaml", ""), ("liste.yaml", "- a\n- b\n")):
        path = write(tmp_path / name, text)
        with pytest.raises(LoadError) as caught:
            load_territory(path, grid, TODAY)
        assert "le fichier doit contenir des clés" in caught.value.message


def test_missing_file(grid, tmp_path):
    with pytest.raises(LoadError) as caught:
        load_territory(tmp_path / "absent.yaml", grid, TODAY)
    assert "fichier introuvable" in caught.value.message


def test_warnings_do_not_block_loading(grid, tmp_path):
    path = write(tmp_path / "t.yaml", """
        territory:
          id: t
          name: "T"
          communes: [{insee: "99001", name: "A"}]
        resources:
          - {id: a, name: "A", kind: cmp, serves: ["99002"], phone: "12 34", verified_on: 2020-01-01}
        """)
    territory = load_territory(path, grid, TODAY)
    messages = [p.message for p in territory.warnings]
    assert len(messages) == 3
    assert any("99002" in m for m in messages)
    assert any("numéro français" in m for m in messages)
    assert any("plus d'un an" in m for m in messages)
