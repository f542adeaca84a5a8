"""The HSDS 3.0 package as CSV tables (the standard's tabular form), and back.

One CSV file per HSDS object, named after it (`service.csv`, `phone.csv`, `location.csv`…),
with the object's scalar fields as columns in the order of the official schema; a nested object
points to its parent by the foreign key HSDS defines (`service_id`, `location_id`,
`organization_id`). `datapackage.json` describes the tables (a Frictionless tabular data
package); `gradation-territoire.json` holds the territory block, as in the JSON package. The
files are UTF-8 and comma-separated, as HSDS tools expect: they are for exchange, not for a
spreadsheet (the coverage and report CSVs are).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from gradation.errors import GradationError

# Each table's columns: the scalar fields of the official schema, in its order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "alternate_name", "description", "email", "website",
                     "tax_status", "tax_id", "year_incorporated", "legal_status", "logo", "uri",
                     "parent_organization_id"),
    "organization_identifier": ("id", "organization_id", "identifier_scheme", "identifier_type",
                                "identifier"),
    "service": ("id", "organization_id", "program_id", "name", "alternate_name", "description",
                "url", "email", "status", "interpretation_services", "application_process",
                "fees_description", "wait_time", "fees", "accreditations",
                "eligibility_description", "minimum_age", "maximum_age", "assured_date",
                "assurer_email", "licenses", "alert", "last_modified"),
    "phone": ("id", "location_id", "service_id", "organization_id", "contact_id",
              "service_at_location_id", "number", "extension", "type", "description"),
    "schedule": ("id", "service_id", "location_id", "service_at_location_id", "valid_from",
                 "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq",
                 "interval", "byday", "byweekno", "bymonthday", "byyearday", "description",
                 "opens_at", "closes_at", "schedule_link", "attending_type", "notes"),
    "service_area": ("id", "service_id", "name", "description", "extent", "extent_type", "uri"),
    "language": ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    "service_at_location": ("id", "service_id", "location_id", "description"),
    "location": ("id", "location_type", "url", "organization_id", "name", "alternate_name",
                 "description", "transportation", "latitude", "longitude",
                 "external_identifier", "external_identifier_type"),
    "address": ("id", "location_id", "attention", "address_1", "address_2", "city", "region",
                "state_province", "postal_code", "country", "address_type"),
    "attribute": ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
    "taxonomy_term": ("id", "code", "name", "description", "parent_id", "taxonomy", "language",
                      "taxonomy_id", "term_uri"),
}
INTEGERS = {"minimum_age", "maximum_age"}
NUMBERS = {"latitude", "longitude"}
# The lists nested in a service, the table each goes to and its foreign key.
SERVICE_LISTS = (("phones", "phone"), ("schedules", "schedule"),
                 ("service_areas", "service_area"), ("languages", "language"))


def _row(table: str, item: dict[str, Any], **keys: Any) -> dict[str, Any]:
    return {c: v for c in COLUMNS[table] if (v := {**item, **keys}.get(c)) is not None}


def _service_rows(out: dict[str, list[dict[str, Any]]], service: dict[str, Any]) -> None:
    """A service's row, and the rows of its lists, locations and addresses."""
    sid = service["id"]
    out["service"].append(_row("service", service))
    for key, table in SERVICE_LISTS:
        out[table] += [_row(table, x, service_id=sid) for x in service.get(key) or []]
    out["attribute"] += [_row("attribute", a) for a in service.get("attributes") or []]
    for at in service.get("service_at_locations") or []:
        location = at["location"]
        out["service_at_location"].append(_row("service_at_location", at, service_id=sid,
                                               location_id=location["id"]))
        out["location"].append(_row("location", location,
                                    organization_id=service.get("organization_id")))
        out["address"] += [_row("address", a, location_id=location["id"])
                           for a in location.get("addresses") or []]


def tables(package: dict[str, Any], terms: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The JSON package (`hsds.export_package`) as rows of each table; `terms` are the profile's
    taxonomy terms (id → field)."""
    out: dict[str, list[dict[str, Any]]] = {table: [] for table in COLUMNS}
    for org in package["organizations.json"]:
        out["organization"].append(_row("organization", org))
        out["organization_identifier"] += [
            _row("organization_identifier", i, organization_id=org["id"])
            for i in org.get("organization_identifiers") or []]
    for service in package["services.json"]:
        _service_rows(out, service)
    out["taxonomy_term"] = [
        {"id": tid, "code": field, "name": f"gradation:{field}", "taxonomy": "gradation",
         "description": f"Profil français de gradation : champ « {field} » du format de "
                        "territoire (valeur en JSON)"} for tid, field in terms.items()]
    return out


def csv_text(table: str, rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS[table], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def datapackage(name: str) -> dict[str, Any]:
    """The Frictionless descriptor of the tables."""
    def field(column: str) -> dict[str, str]:
        kind = "integer" if column in INTEGERS else "number" if column in NUMBERS else "string"
        return {"name": column, "type": kind}

    return {"name": name, "profile": "tabular-data-package",
            "title": "Human Services Data Specification 3.0 (profil de gradation)",
            "resources": [{"name": table, "path": f"{table}.csv", "format": "csv",
                           "mediatype": "text/csv", "encoding": "utf-8",
                           "profile": "tabular-data-resource",
                           "schema": {"fields": [field(c) for c in columns],
                                      "primaryKey": "id"}}
                          for table, columns in COLUMNS.items()]}


def _value(column: str, text: str, where: str) -> Any:
    try:
        if column in INTEGERS:
            return int(text)
        if column in NUMBERS:
            return float(text)
    except ValueError:
        kind = "un nombre entier" if column in INTEGERS else "un nombre"
        raise GradationError(f"{where} : {column} : {kind} attendu, pas « {text} »", 3) from None
    return text


def read_table(folder: Path, table: str) -> list[dict[str, Any]]:
    """The rows of `table.csv` (none when the file is absent: HSDS tables are optional), each
    with its empty cells left out and `_where` (file:line) for messages."""
    from gradation.files.atomic import require_regular

    path = folder / f"{table}.csv"
    if not path.is_file():
        return []
    require_regular(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise GradationError(f"{path} : le fichier doit être en UTF-8", 3) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if "id" not in (reader.fieldnames or []):
        raise GradationError(f"{path}:1 : colonne « id » absente (en-têtes : "
                             f"{', '.join(reader.fieldnames or []) or 'aucun'})", 3)
    rows = []
    try:
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if not row.get("id"):  # every HSDS object has one, and the others point to it
                raise GradationError(f"{where} : id : identifiant vide", 3)
            item: dict[str, Any] = {"_where": where}
            for column in COLUMNS[table]:
                if row.get(column):
                    item[column] = _value(column, row[column], where)
            rows.append(item)
    except csv.Error as exc:
        raise GradationError(f"{path}:{reader.line_num} : CSV illisible ({exc})", 3) from None
    return rows


def _bare(row: dict[str, Any], *drop: str) -> dict[str, Any]:
    """A row as an HSDS object: without its position (`_where`) and the keys in `drop`."""
    return {k: v for k, v in row.items() if k != "_where" and k not in drop}


def _children(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    """The rows grouped by the parent their `key` points to (the key left out)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row.get(key, ""), []).append(_bare(row, key))
    return out


def package_from_tables(folder: Path) -> dict[str, Any]:
    """The JSON package's services and organizations, nested back from the CSV tables."""
    if not (folder / "service.csv").is_file():
        raise GradationError(f"{folder / 'service.csv'} : fichier absent du paquet HSDS", 3)
    read = {table: read_table(folder, table) for table in COLUMNS}
    identifiers = _children(read["organization_identifier"], "organization_id")
    organizations = [{**_bare(org), "organization_identifiers": identifiers.get(org["id"], [])}
                     for org in read["organization"]]
    addresses = _children(read["address"], "location_id")
    locations = {loc["id"]: {**_bare(loc, "organization_id"),
                             "addresses": addresses.get(loc["id"], [])}
                 for loc in read["location"]}
    lists = {key: _children(read[table], "service_id") for key, table in SERVICE_LISTS}
    # an attribute points to its service by link_id, which it keeps
    by_link = _children([{**a, "_link": a.get("link_id", "")} for a in read["attribute"]],
                        "_link")
    at_locations: dict[str, list[dict[str, Any]]] = {}
    for at in read["service_at_location"]:
        location = locations.get(at.get("location_id", ""))
        if location is None:
            raise GradationError(f"{at['_where']} : location_id : lieu absent de location.csv",
                                 3)
        at_locations.setdefault(at.get("service_id", ""), []).append(
            {**_bare(at, "service_id", "location_id"), "location": location})
    services = [{**_bare(service), **{key: lists[key].get(service["id"], [])
                                      for key, _ in SERVICE_LISTS},
                 "attributes": by_link.get(service["id"], []),
                 "service_at_locations": at_locations.get(service["id"], [])}
                for service in read["service"]]
    return {"services.json": services, "organizations.json": organizations}
