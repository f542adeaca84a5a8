"""The territory as an Open Referral HSDS 3.0 package: valid against the official schemas,
stable, and imported back to the same territory."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, SHARED, TODAY

from gradation.files.territories import load_territory

DEMO = ROOT / "grids" / "territories" / "demo.yaml"
SCHEMAS = SHARED / "reference" / "hsds"


def validator(name: str):  # type: ignore[no-untyped-def]
    from jsonschema import validators
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text(encoding="utf-8")),
                                           default_specification=DRAFT202012))
        for path in SCHEMAS.glob("*.json"))
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = validators.validator_for(schema)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.skipif(not SCHEMAS.is_dir(), reason="the HSDS schemas are in ../shared (CI)")
def test_the_export_of_the_demo_validates_against_the_official_schemas(cli, tmp_path):
    folder = tmp_path / "paquet"
    result = cli("territory", "export", "-t", str(DEMO), "-o", str(folder))
    assert result.exit_code == 0, result.output
    for name, schema in (("services.json", "service.json"),
                         ("organizations.json", "organization.json")):
        check = validator(schema)
        items = json.loads((folder / name).read_text(encoding="utf-8"))
        assert items
        errors = [f"{e.message} at {list(e.path)}" for item in items
                  for e in check.iter_errors(item)]
        assert errors == [], errors[:5]
    services = json.loads((folder / "services.json").read_text(encoding="utf-8"))
    cmp = next(s for s in services if s["name"] == "CMP adultes d'Exempleville")
    address = cmp["service_at_locations"][0]["location"]["addresses"][0]
    assert (address["postal_code"], address["city"], address["state_province"],
            address["country"]) == ("99100", "Exempleville", "99", "FR")
    assert [a["name"] for a in cmp["service_areas"]] == ["Exempleville", "Valdeville"]
    # stable: the same territory exported twice gives the same ids
    again = tmp_path / "encore"
    assert cli("territory", "export", "-t", str(DEMO), "-o", str(again)).exit_code == 0
    assert (again / "services.json").read_text("utf-8") == (folder / "services.json").read_text(
        "utf-8")


@pytest.mark.parametrize("form", [[], ["--csv"]], ids=["json", "csv"])
def test_an_export_then_an_import_gives_back_the_same_territory(cli, grid, tmp_path, form):
    folder = tmp_path / "paquet"
    assert cli("territory", "export", "-t", str(DEMO), "-o", str(folder), *form).exit_code == 0
    assert (folder / "services.json").exists() == (not form)  # one form or the other
    back = tmp_path / "retour.yaml"
    result = cli("import", "hsds", str(folder), "-o", str(back))
    assert result.exit_code == 0, result.output
    before, after = load_territory(DEMO, grid, TODAY), load_territory(back, grid, TODAY)
    assert after.data.territory == before.data.territory
    assert [r.model_dump() for r in after.resources] == [r.model_dump() for r in before.resources]
    assert cli("territory", "export", "-t", str(DEMO), "-o", str(folder),
               *form).exit_code == 2  # exists


@pytest.mark.parametrize(("file", "text", "said"), [
    ("services.json", '[{"id": "x", "name": "A"', "services.json:1:"),
    ("services.json", '{"id": "x"}', "services.json : liste attendue"),
    ("services.json", '[{"id": "00000000-0000-0000-0000-000000000000", "name": "A"}]',
     "services.json[0].id : identifiant inconnu"),
])
def test_a_malformed_package_is_said_with_its_file_and_field(cli, tmp_path, file, text, said):
    folder = tmp_path / "paquet"
    assert cli("territory", "export", "-t", str(DEMO), "-o", str(folder)).exit_code == 0
    (folder / file).write_text(text, encoding="utf-8")
    result = cli("import", "hsds", str(folder), "-o", str(tmp_path / "t.yaml"))
    assert result.exit_code == 3 and said in result.stderr, result.output
    assert "Traceback" not in result.output and not (tmp_path / "t.yaml").exists()


@pytest.mark.parametrize(("postcode", "departement"), [
    ("31000", "31"), ("20000", "2A"), ("20199", "2A"), ("20200", "2B"), ("20600", "2B"),
    ("97110", "971"), ("97600", "976"), ("99100", "99")])
def test_the_departement_of_an_address_comes_from_its_postcode(postcode, departement):
    from gradation.territory.hsds import departement as of

    assert of(postcode) == departement


# The CSV package (HSDS's tabular form): one table per object, the official columns.
TABLES = ("organization", "organization_identifier", "service", "phone", "schedule",
          "service_area", "language", "service_at_location", "location", "address",
          "attribute", "taxonomy_term")


def csv_rows(path):  # type: ignore[no-untyped-def]
    import csv

    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames or []), list(reader)


@pytest.mark.skipif(not SCHEMAS.is_dir(), reason="the HSDS schemas are in ../shared (CI)")
def test_the_csv_package_has_the_official_columns_and_valid_rows(cli, tmp_path):
    folder = tmp_path / "tables"
    result = cli("territory", "export", "-t", str(DEMO), "-o", str(folder), "--csv")
    assert result.exit_code == 0, result.output
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(r["path"] for r in descriptor["resources"]) == sorted(
        f"{t}.csv" for t in TABLES)
    for table in TABLES:
        schema = json.loads((SCHEMAS / f"{table}.json").read_text(encoding="utf-8"))
        scalar = [k for k, v in schema["properties"].items()
                  if v.get("type") not in ("array", "object") and "$ref" not in v]
        header, rows = csv_rows(folder / f"{table}.csv")
        assert header == scalar, table  # the schema's own fields, in its order
        declared = next(r for r in descriptor["resources"] if r["name"] == table)
        assert [f["name"] for f in declared["schema"]["fields"]] == header
        check = validator(f"{table}.json")
        for row in rows:
            item = {k: (int(v) if k.endswith("imum_age") else float(v)
                        if k in ("latitude", "longitude") else v) for k, v in row.items() if v}
            errors = [e.message for e in check.iter_errors(item)]
            assert errors == [], (table, item, errors)
    _, services = csv_rows(folder / "service.csv")
    _, areas = csv_rows(folder / "service_area.csv")
    cmp = next(s for s in services if s["name"] == "CMP adultes d'Exempleville")
    assert sorted(a["name"] for a in areas if a["service_id"] == cmp["id"]) == [
        "Exempleville", "Valdeville"]


@pytest.mark.parametrize(("file", "edit", "said"), [
    ("service.csv", lambda rows: rows[1].__setitem__("minimum_age", "douze"),
     "service.csv:3 : minimum_age : un nombre entier attendu, pas « douze »"),
    ("service_at_location.csv", lambda rows: rows[0].__setitem__("location_id", "ailleurs"),
     "service_at_location.csv:2 : location_id : lieu absent de location.csv"),
    ("organization.csv", lambda rows: rows[2].__setitem__("id", ""),
     "organization.csv:4 : id : identifiant vide"),
])
def test_a_malformed_csv_package_is_said_with_its_file_line_and_field(cli, tmp_path, file,
                                                                       edit, said):
    import csv

    folder = tmp_path / "tables"
    assert cli("territory", "export", "-t", str(DEMO), "-o", str(folder), "--csv").exit_code == 0
    header, rows = csv_rows(folder / file)
    edit(rows)
    with (folder / file).open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, header)
        writer.writeheader()
        writer.writerows(rows)
    result = cli("import", "hsds", str(folder), "-o", str(tmp_path / "t.yaml"))
    assert result.exit_code == 3 and said in result.stderr, result.output
    assert not (tmp_path / "t.yaml").exists()


def test_a_csv_table_without_its_id_column_is_said(cli, tmp_path):
    folder = tmp_path / "tables"
    assert cli("territory", "export", "-t", str(DEMO), "-o", str(folder), "--csv").exit_code == 0
    (folder / "phone.csv").write_text("numero,service\n05 00 00 00 00,x\n", encoding="utf-8")
    result = cli("import", "hsds", str(folder), "-o", str(tmp_path / "t.yaml"))
    assert result.exit_code == 3, result.output
    assert "phone.csv:1 : colonne « id » absente (en-têtes : numero, service)" in result.stderr
