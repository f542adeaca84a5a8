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


def test_an_export_then_an_import_gives_back_the_same_territory(cli, grid, tmp_path):
    folder = tmp_path / "paquet"
    assert cli("territory", "export", "-t", str(DEMO), "-o", str(folder)).exit_code == 0
    back = tmp_path / "retour.yaml"
    result = cli("import", "hsds", str(folder), "-o", str(back))
    assert result.exit_code == 0, result.output
    before, after = load_territory(DEMO, grid, TODAY), load_territory(back, grid, TODAY)
    assert after.data.territory == before.data.territory
    assert [r.model_dump() for r in after.resources] == [r.model_dump() for r in before.resources]
    assert cli("territory", "export", "-t", str(DEMO), "-o", str(folder)).exit_code == 2  # exists


@pytest.mark.parametrize(("file", "text", "said"), [
    ("services.json", '[{"id": "x", "name": "A"', "services.json:1:"),
    ("services.json", '{"id": "x"}', "services.json : une liste attendu"),
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
