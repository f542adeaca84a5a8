"""Importing establishments from FINESS open data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import SHARED, TODAY, write

from gradation.files.territories import load_territory
from gradation.territory.finess import insee_code, parse
from gradation.territory.finess_text import smart_title, split_routing


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
    result = cli("import", "finess", str(extract(tmp_path, *SAMPLE_LINES)),
                 "--merge", str(existing), "--output", str(out))  # no --id nor --name needed
    assert result.exit_code == 0, result.stderr
    # by default only the territory's own communes: not Ajaccio, not Pointe-à-Pitre
    assert "1 ajoutés, 1 mis à jour" in result.stdout  # coordinates added to the CMP
    assert "2 hors des départements, communes ou catégories demandés" in result.stdout
    # the phone was never imported: a value written by hand, kept and reported
    assert "téléphone gardé(e), modifié(e) à la main (FINESS : 01 99 00 01 01)" in result.stdout
    assert "cmp-ferme (990000777)" in result.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Notre territoire, tenu à la main")
    assert "# nom choisi par la coordination" in text
    data = yaml.safe_load(text)
    entries = {r["id"]: r for r in data["resources"]}
    kept = entries["cmp-exempleville"]
    assert kept["name"] == "CMP d'Exempleville" and kept["serves"] == ["99001"]
    assert kept["wait_weeks"] == 8
    assert kept["phone"] == "01 99 00 00 99"  # corrected by hand: kept
    assert kept["finess_updated_on"].isoformat() == "2026-06-01" and "verified_on" not in kept
    assert "psy-martin" in entries and "cmp-ferme" in entries  # never deleted
    assert len(entries) == 4
    assert {c["insee"] for c in data["territory"]["communes"]} == {"99001"}
    load_territory(out, grid, TODAY)
    # other départements only when asked for; an existing other file is never replaced
    wider = cli("import", "finess", str(extract(tmp_path, *SAMPLE_LINES)), "--merge", str(out),
                "--output", str(out), "--departement", "2A")
    assert wider.exit_code == 0, wider.stderr
    assert "1 ajoutés" in wider.stdout
    assert {c["insee"] for c in yaml.safe_load(out.read_text("utf-8"))["territory"][
        "communes"]} == {"99001", "2A004"}
    before = existing.read_bytes()
    refused = cli("import", "finess", str(extract(tmp_path, *SAMPLE_LINES)), "--merge",
                  str(out), "--output", str(existing))
    assert refused.exit_code == 1 and "existe déjà" in refused.stderr
    assert existing.read_bytes() == before


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


# --- The extracts as published today -----------------------------------------------------------

def structure_2026(finess: str, rs: str, category: str, departement: str, commune: str,
                   routing: str, phone: str = "") -> str:
    """A 2026 structureet line, every field quoted as some exports do."""
    fields = ["structureet", finess, "990000990", rs, rs, "", "", "1", "R", "DE LA PAIX", "", "",
              commune, departement, "DEPT", routing, phone, "", category, "Libellé", "", "", "",
              "", "", "", "", "", "2001-01-01", "2001-01-01", "2026-05-04", ""]
    return ";".join('"' + f.replace('"', '""') + '"' for f in fields)


GEO_2026 = [
    ("990000016", "870262.2", "6571540.8", "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 "
     "(Métropole)", (46.22229, 5.20918)),
    ("9A0000018", "657242.9", "1795384.4", "2,ATLASANTE,96,BAN,EPSG:5490 RGAF09/UTM Zone 20N "
     "(Antilles)", (16.234, -61.52874)),
    ("9C0000010", "353672.8", "544349.1", "2,ATLASANTE,96,BAN,EPSG:2972 RGFG95/UTM zone 22N "
     "(Guyane)", (4.92347, -52.31973)),
    ("9D0000012", "323086.6", "7679599.8", "2,ATLASANTE,96,BAN,EPSG:2975 RGR92/UTM zone 40S "
     "(Réunion)", (-20.97571, 55.29821)),
    ("9F0000014", "524819.9", "8587194.7", "2,ATLASANTE,100,BDADRESSE,EPSG:4471 RGM04/UTM zone "
     "38S (Mayotte)", (-12.77989, 45.22868)),
    ("9E0000011", "563213.8", "5180306.8", "2,ATLASANTE,90,BAN,WGS84/UTM zone 21N "
     "(St-Pierre-et-Miquelon)", (46.77332, -56.17201)),
]
# Control values of the coordinates: pyproj's, as a public parser of the 2026 file tests them.

LINES_2026 = [
    structure_2026("990000016", 'LIEU DE VIE "MAVOUNA MEMA 1"', "156", "99", "001",
                   "99100 EXEMPLEVILLE", "0199000101"),
    structure_2026("9A0000018", "CMP; POINTE-À-PITRE", "156", "9A", "120", "97110 POINTE-À-PITRE"),
    structure_2026("9C0000010", "CMP CAYENNE", "156", "9C", "302", "97300 CAYENNE"),
    structure_2026("9D0000012", "CMP SAINT-DENIS", "156", "9D", "411", "97400 SAINT-DENIS"),
    structure_2026("9F0000014", "CMP MAMOUDZOU", "156", "9F", "611", "97600 MAMOUDZOU"),
    structure_2026("9E0000011", "CMP SAINT-PIERRE", "156", "9E", "502", "97500 SAINT-PIERRE"),
    structure_2026("9A0000026", "CMP MARIGOT", "156", "9A", "127", "97150 SAINT-MARTIN"),
    structure_2026("9A0000034", "CMP GUSTAVIA", "156", "9A", "123", "97133 SAINT-BARTHELEMY"),
    structure_2026("9J0000017", "CMP MATA-UTU", "156", "9J", "613", "98600 UVEA"),
    structure_2026("990000032", "CLINIQUE DU PARC", "161", "99", "002", "99200 VALDEVILLE"),
    *[";".join(["geolocalisation", f, x, y, system, "2026-05-04"])
      for f, x, y, system, _ in GEO_2026],
]


def _write(tmp_path: Path, lines: list[str], encoding: str, name: str) -> Path:
    path = tmp_path / name
    text = "\r\n".join(["finess;etalab;99;2026-05-12", *lines]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_2026_extract_imports_with_every_coordinate(grid, tmp_path, encoding):
    lines = LINES_2026 if encoding != "cp1252" else [
        line for line in LINES_2026 if "MAVOUNA" not in line]  # the same, in cp1252 too
    if encoding == "cp1252":
        lines = [line.encode("cp1252", "replace").decode("cp1252") for line in LINES_2026]
    result = parse(_write(tmp_path, lines, encoding, f"e-{encoding}.csv"), grid)
    by_id = {e.finess: e for e in result.establishments}
    assert result.without_coordinates == [by_id["9A0000026"], by_id["9A0000034"],
                                          by_id["9J0000017"], by_id["990000032"]] or \
        {e.finess for e in result.without_coordinates} == {"9A0000026", "9A0000034",
                                                          "9J0000017", "990000032"}
    for finess, _, _, _, (lat, lon) in GEO_2026:
        found = by_id[finess]
        assert abs(found.lat - lat) < 2e-5 and abs(found.lon - lon) < 2e-5, finess
    assert by_id["990000016"].name == 'Lieu de Vie "Mavouna Mema 1"'  # quotes understood
    assert by_id["9A0000018"].name.startswith("CMP; Pointe")  # a ; inside quotes: one field
    assert "Ã" not in by_id["9A0000018"].name  # no mojibake
    assert by_id["9A0000026"].insee == "97801" and by_id["9A0000034"].insee == "97701"
    assert by_id["9J0000017"].insee == "98613" and by_id["9F0000014"].insee == "97611"
    assert by_id["990000032"].kind == "clinique-psychiatrique"  # category 161


def test_the_older_layout_still_imports(grid, tmp_path):
    result = parse(extract(tmp_path, *SAMPLE_LINES), grid)
    assert {e.finess for e in result.without_coordinates} == {"990000024", "2A0000015"}


def test_an_import_says_how_many_have_no_coordinates_and_refuses_an_empty_result(cli, tmp_path):
    path = _write(tmp_path, LINES_2026, "utf-8", "e.csv")
    out = tmp_path / "t.yaml"
    result = cli("import", "finess", str(path), "--id", "t", "--name", "T", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "4 établissements sans coordonnées" in result.stdout
    empty = cli("import", "finess", str(path), "--id", "t", "--name", "T", "-o",
                str(tmp_path / "vide.yaml"), "--departement", "13")
    assert empty.exit_code == 2 and "aucun établissement retenu" in empty.stderr
    assert not (tmp_path / "vide.yaml").exists()
    assert cli("import", "finess", str(path), "--categorie", "161", "--id", "c", "--name", "C",
               "-o", str(tmp_path / "c.yaml")).exit_code == 0


def test_a_merge_after_hand_edits_keeps_them_and_a_reimport_changes_nothing(cli, grid, tmp_path):
    path = _write(tmp_path, LINES_2026, "utf-8", "e.csv")
    out = tmp_path / "t.yaml"
    assert cli("import", "finess", str(path), "--id", "t", "--name", "T", "-o",
               str(out)).exit_code == 0
    entry = next(r for r in yaml.safe_load(out.read_text("utf-8"))["resources"]
                 if r["finess"] == "990000016")
    assert entry["imported"]["phone"] == "01 99 00 01 01" and "verified_on" not in entry
    rid = entry["id"]
    assert cli("resources", "edit", rid, "-t", str(out), "--phone", "01 99 00 00 77").exit_code == 0
    again = cli("import", "finess", str(path), "--merge", str(out), "-o", str(out))
    assert again.exit_code == 0, again.stderr
    assert "téléphone gardé(e), modifié(e) à la main (FINESS : 01 99 00 01 01)" in again.stdout
    kept = next(r for r in yaml.safe_load(out.read_text("utf-8"))["resources"] if r["id"] == rid)
    assert kept["phone"] == "01 99 00 00 77"
    before = out.read_bytes()
    third = cli("import", "finess", str(path), "--merge", str(out), "-o", str(out))
    assert third.exit_code == 0 and out.read_bytes() == before  # a no-op
    load_territory(out, grid, TODAY)
    newer = [line.replace("0199000101", "0199000111") for line in LINES_2026]
    updated = cli("import", "finess", str(_write(tmp_path, newer, "utf-8", "n.csv")), "--merge",
                  str(out), "-o", str(out))
    assert "téléphone gardé(e)" in updated.stdout  # still the hand's value, FINESS's shown


def test_an_untouched_imported_value_follows_finess(cli, tmp_path):
    path = _write(tmp_path, LINES_2026, "utf-8", "e.csv")
    out = tmp_path / "t.yaml"
    assert cli("import", "finess", str(path), "--id", "t", "--name", "T", "-o",
               str(out)).exit_code == 0
    newer = [line.replace("0199000101", "0199000111") for line in LINES_2026]
    result = cli("import", "finess", str(_write(tmp_path, newer, "utf-8", "n.csv")), "--merge",
                 str(out), "-o", str(out))
    assert result.exit_code == 0 and "téléphone mis(e) à jour" in result.stdout
    assert "01 99 00 01 11" in out.read_text("utf-8")


def test_addresses_keep_postal_abbreviations():
    assert smart_title("BP 381 ZAC DES PINS CS 11021 (SAINT DENIS)") == (
        "BP 381 ZAC des Pins CS 11021 (Saint Denis)")


# --- Communes of the official geography ----------------------------------------------------------

COG = """TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT
COM,99001,99,99,99D,991,0,EXEMPLEVILLE,Exempleville,Exempleville,9901,
COM,99002,99,99,99D,991,0,VALDEVILLE,Valdeville,Valdeville,9901,
COMD,99004,99,99,99D,991,0,HAMEAU DU BOIS,Hameau du Bois,Hameau du Bois,,99001
COM,2A004,94,2A,20D,2A1,0,AJACCIO,Ajaccio,Ajaccio,2A98,
"""
# La Poste's file as published: « ; », Windows-1252, a header starting with « # ».
LA_POSTE = ("#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5\n"
            "99001;EXEMPLEVILLE;99100;EXEMPLEVILLE;\n"
            "99001;EXEMPLEVILLE;99110;EXEMPLEVILLE;HAMEAU DU BOIS\n"
            "99002;VALDEVILLE;99200;VALDEVILLE;\n")


def test_a_territory_is_built_from_the_cog_in_one_command(cli, grid, tmp_path):
    cog = write(tmp_path / "v_commune_2026.csv", COG)
    poste = tmp_path / "laposte.csv"
    poste.write_bytes(LA_POSTE.encode("cp1252"))
    out = tmp_path / "val.yaml"
    result = cli("import", "communes", str(cog), "--departement", "99", "--postes", str(poste),
                 "--id", "val", "--name", "CPTS du Val", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    communes = yaml.safe_load(out.read_text("utf-8"))["territory"]["communes"]
    assert communes == [
        {"insee": "99001", "name": "Exempleville", "postcodes": ["99100", "99110"],
         "aliases": ["Hameau du Bois"]},
        {"insee": "99002", "name": "Valdeville", "postcodes": ["99200"]},
    ]
    load_territory(out, grid, TODAY)
    again = cli("import", "communes", str(cog), "--commune", "2A004", "-t", str(out))
    assert again.exit_code == 0 and "1 commune ajoutée" in again.stdout
    assert cli("import", "communes", str(cog), "--departement", "13", "-t", str(out)
               ).exit_code == 2


def test_the_questionnaire_completes_communes_outside_the_territory(cli, grid, tmp_path):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from gradation.consult.prompts import QuestionaryAsker

    cog = write(tmp_path / "v_commune_2026.csv", COG)
    out = tmp_path / "val.yaml"
    assert cli("import", "communes", str(cog), "--departement", "99", "--id", "val", "--name",
               "Val", "-o", str(out)).exit_code == 0
    info = yaml.safe_load(out.read_text("utf-8"))["territory"]
    assert info["geography"] == {"file": "v_commune_2026.csv", "departements": ["99"]}
    with cog.open("a", encoding="utf-8") as handle:  # a commune the territory does not cover
        handle.write("COM,99005,99,99,99D,991,0,NOUVELLEVILLE,Nouvelleville,Nouvelleville,9901,\n")
    territory = load_territory(out, grid, TODAY)
    psy = grid.situations["psychiatrie"]
    with create_pipe_input() as pipe:
        asker = QuestionaryAsker(grid, territory, input=pipe, output=DummyOutput())
        assert asker._outside() == [("99005", "Nouvelleville")]
        pipe.send_text("Nouvelleville\r")
        assert asker.question(psy.question("commune"), None, False, psy) == "99005"
        pipe.send_text("Hameau du Bois\r")  # a commune déléguée: its parent
        assert asker.question(psy.question("commune"), None, False, psy) == "99001"
