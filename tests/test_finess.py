"""Importing establishments from FINESS open data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import SHARED, TODAY, write

from gradation.files.territories import load_territory
from gradation.territory.finess import insee_code, parse, smart_title, split_routing


def structure(finess: str, rs: str, category: str, label: str, departement: str, commune: str,
              routing: str, phone: str = "", rslongue: str = "", number: str = "1",
              street_type: str = "R", street: str = "DE LA PAIX", updated: str = "2026-06-01") -> str:
    fields = ["structureet", finess, "990000990", rs, rslongue, "", "", number, street_type, street,
              "", "", commune, departement, "DEPT", routing, phone, "", category, label,
              "", "", "", "", "", "", "", "", "2001-01-01", "2001-01-01", updated, ""]
    return ";".join(fields)


def extract(tmp_path: Path, *lines: str, name: str = "finess.csv") -> Path:
    path = tmp_path / name
    text = "\r\n".join(["finess;etalab;99;2025-11-04", *lines]) + "\r\n"
    path.write_bytes(text.encode("cp1252"))
    return path


SAMPLE_LINES = [
    structure("990000016", "CMP ADULTES", "156", "Centre Médico-Psychologique (C.M.P.)", "99", "001",
              "99100 EXEMPLEVILLE", "0199000101", "CENTRE MÉDICO-PSYCHOLOGIQUE D'EXEMPLEVILLE",
              street="DES ÉCOLES"),
    structure("990000024", "CMPEA DU VAL", "156", "Centre Médico-Psychologique (C.M.P.)", "99", "001",
              "99100 EXEMPLEVILLE", "0199000102"),
    structure("2A0000015", "CSAPA AJACCIO", "197", "CSAPA", "2A", "004", "20000 AJACCIO CEDEX 1",
              "0199000103"),
    structure("9A0000018", "CMP POINTE", "156", "Centre Médico-Psychologique (C.M.P.)", "9A", "120",
              "97110 POINTE-À-PITRE", ""),
    structure("990000099", "EHPAD", "500", "EHPAD", "99", "002", "99200 VALDEVILLE", "0199000104"),
    "geolocalisation;990000016;652469.0;6862035.0;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2025-11-04",
    "geolocalisation;9A0000018;655000.0;1795000.0;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N20;2025-11-04",
]


def test_helpers_build_codes_names_and_towns():
    assert insee_code("99", "001") == "99001"
    assert insee_code("2A", "004") == "2A004"
    assert insee_code("9A", "120") == "97120" and insee_code("9D", "411") == "97411"
    assert split_routing("20000 AJACCIO CEDEX 1") == ("20000", "Ajaccio")
    assert split_routing("99300 BOISJOLI CEDEX") == ("99300", "Boisjoli")
    assert smart_title("CENTRE MÉDICO-PSYCHOLOGIQUE D'EXEMPLEVILLE") == (
        "Centre Médico-Psychologique d'Exempleville")
    assert smart_title("CSAPA DU VAL") == "CSAPA du Val"


def test_parse_an_extract_with_every_special_case(grid, tmp_path):
    result = parse(extract(tmp_path, *SAMPLE_LINES), grid)
    by_id = {e.finess: e for e in result.establishments}
    assert set(by_id) == {"990000016", "990000024", "2A0000015", "9A0000018"}
    adult = by_id["990000016"]
    assert (adult.kind, adult.by_name, adult.insee) == ("cmp", True, "99001")
    assert adult.name == "Centre Médico-Psychologique d'Exempleville"  # accents from cp1252
    assert adult.address == "1 rue des Écoles, 99100 Exempleville"
    assert adult.phone == "01 99 00 01 01" and adult.updated.isoformat() == "2026-06-01"
    assert adult.lat == pytest.approx(48.8566, abs=1e-3) and adult.lon == pytest.approx(2.3522, abs=1e-3)
    assert by_id["990000024"].kind == "cmpi"  # a child CMP, told by its name
    corsica = by_id["2A0000015"]
    assert (corsica.insee, corsica.town, corsica.postcode) == ("2A004", "Ajaccio", "20000")
    overseas = by_id["9A0000018"]
    assert overseas.insee == "97120" and overseas.phone is None
    assert overseas.lat == pytest.approx(16.23, abs=0.05) and overseas.lon == pytest.approx(-61.54, abs=0.05)
    assert sum(result.skipped.values()) == 1 and ("500", "EHPAD") in result.skipped


def test_filters(grid, tmp_path):
    path = extract(tmp_path, *SAMPLE_LINES)
    assert {e.finess for e in parse(path, grid, departements=["971"]).establishments} == {"9A0000018"}
    assert {e.finess for e in parse(path, grid, departements=["2A"]).establishments} == {"2A0000015"}
    assert {e.finess for e in parse(path, grid, communes=["99001"]).establishments} == {
        "990000016", "990000024"}
    only = parse(path, grid, categories=["197"])
    assert [e.kind for e in only.establishments] == ["csapa"] and only.filtered_out == 3


def test_cli_import_writes_a_valid_territory(cli, grid, tmp_path):
    out = tmp_path / "val.yaml"
    result = cli("import", "finess", str(extract(tmp_path, *SAMPLE_LINES)), "--id", "val",
                 "--name", "Val", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert "4 établissements importés" in result.stdout
    assert "CMPEA du Val → infanto-juvénile (cmpi)" in result.stdout
    assert "500 EHPAD : 1" in result.stdout
    territory = load_territory(out, grid, TODAY)
    assert {c.insee for c in territory.data.territory.communes} == {"99001", "2A004", "97120"}
    assert territory.warnings == []


def test_not_a_finess_file(cli, tmp_path):
    path = write(tmp_path / "x.csv", "a;b;c\n")
    result = cli("import", "finess", str(path), "--id", "x", "--name", "X", "-o",
                 str(tmp_path / "o.yaml"))
    assert result.exit_code == 2 and "extrait FINESS" in result.stderr
    assert not (tmp_path / "o.yaml").exists()
    result = cli("import", "finess", str(extract(tmp_path, *SAMPLE_LINES)), "--id", "x",
                 "--name", "X", "-o", str(tmp_path / "o.yaml"), "--categorie", "999")
    assert result.exit_code == 2 and "non prise en charge" in result.stderr


def test_merge_keeps_hand_written_entries_and_lists_the_disappeared(cli, grid, tmp_path):
    existing = write(tmp_path / "t.yaml", """
        # Notre territoire, tenu à la main
        territory:
          id: val
          name: "Val"
          communes:
            - {insee: "99001", name: "Exempleville"}
        resources:
          - id: cmp-exempleville   # nom choisi par la coordination
            name: "CMP d'Exempleville"
            kind: cmp
            serves: ["99001"]
            wait_weeks: 8
            finess: "990000016"
            phone: "01 99 00 00 99"
          - id: psy-martin
            name: "Mme Martin (psychologue)"
            kind: psychologue
          - id: cmp-ferme
            name: "CMP fermé"
            kind: cmp
            finess: "990000777"
        """)
    out = tmp_path / "merged.yaml"
    result = cli("import", "finess", str(extract(tmp_path, *SAMPLE_LINES)), "--id", "val",
                 "--name", "Val", "--merge", str(existing), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert "3 ajoutés, 1 mis à jour" in result.stdout
    assert "cmp-ferme (990000777)" in result.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Notre territoire, tenu à la main")
    assert "# nom choisi par la coordination" in text
    data = yaml.safe_load(text)
    entries = {r["id"]: r for r in data["resources"]}
    kept = entries["cmp-exempleville"]
    assert kept["name"] == "CMP d'Exempleville" and kept["serves"] == ["99001"]
    assert kept["wait_weeks"] == 8
    assert kept["phone"] == "01 99 00 01 01"  # FINESS-owned field updated
    assert "psy-martin" in entries and "cmp-ferme" in entries  # never deleted
    assert len(entries) == 6
    assert {c["insee"] for c in data["territory"]["communes"]} == {"99001", "2A004", "97120"}
    load_territory(out, grid, TODAY)


@pytest.mark.skipif(not (SHARED / "samples" / "finess-sample.csv").is_file(),
                    reason="../shared/samples is not beside this clone")
def test_shared_sample_imports_into_a_valid_territory(cli, grid, tmp_path):
    out = tmp_path / "sample.yaml"
    result = cli("import", "finess", str(SHARED / "samples" / "finess-sample.csv"), "--id", "val",
                 "--name", "Val", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    territory = load_territory(out, grid, TODAY)
    kinds = {r.finess: r.kind for r in territory.resources}
    assert kinds["990000024"] == "cmpi" and kinds["990000016"] == "cmp"
    assert "2 établissements ignorés" in result.stdout
    chs = next(r for r in territory.resources if r.finess == "990000065")
    assert chs.address.endswith("99300 Boisjoli")  # CEDEX dropped from the town
