"""A territory as an Open Referral HSDS 3.0 package, and back.

The package is a folder: `services.json` (HSDS 3.0 services, each with its phones, schedule,
service areas, location and address, languages and attributes), `organizations.json` (one
organization per resource, its FINESS number as an organization identifier) and
`gradation-territoire.json` (the territory block: id, name, communes — what HSDS has no place
for). Ids are UUIDv5 of the territory and the resource id: an export is stable. What HSDS lacks
(kind, situations, level, waits, urgent slot, sector…) is written as attributes of a small
French profile, whose taxonomy terms are `gradation:<field>`; the README lists them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import uuid
from pathlib import Path
from typing import Any

from gradation.core.model import Territory
from gradation.core.schema import Resource
from gradation.errors import GradationError

# The fields HSDS has no place for, written as attributes (their value as JSON text).
PROFILE = ("kind", "situations", "level", "serves", "access", "walk_in", "referral_required",
           "cost", "wait_weeks", "urgent_days", "wait_as_of", "mon_soutien_psy", "notes",
           "finess_updated_on", "imported", "address")
FILES = ("services.json", "organizations.json", "gradation-territoire.json")
_ADDRESS = re.compile(r"^(?P<street>.+?),\s*(?P<postcode>\d{5})\s+(?P<city>.+)$")


def _id(territory: str, *parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "gradation:" + ":".join([territory, *parts])))


def term_id(field: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"gradation:{field}"))


def departement(postcode: str) -> str:
    """The département of a postcode: 971–976 overseas, 2A and 2B in Corsica (20000–20199 and
    20200–20699), else its first two digits."""
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if int(postcode) < 20200 else "2B"
    return postcode[:2]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _scalars(res: Resource) -> dict[str, Any]:
    """The service's own fields that the resource has."""
    age = res.age
    values = {"email": res.email or None, "url": res.website or None,
              "minimum_age": age.min if age is not None else None,
              "maximum_age": age.max if age is not None else None,
              "assured_date": res.verified_on.isoformat() if res.verified_on else None}
    return {k: v for k, v in values.items() if v is not None}


def _lists(territory: Territory, res: Resource) -> dict[str, Any]:
    """The service's lists (phones, schedules, areas, languages) that the resource has."""
    tid = territory.id
    out: dict[str, Any] = {}
    if res.phone:
        out["phones"] = [{"id": _id(tid, res.id, "phone"), "number": res.phone}]
    if res.hours:
        out["schedules"] = [{"id": _id(tid, res.id, "schedule"), "description": res.hours}]
    if res.serves is not None:
        out["service_areas"] = [
            {"id": _id(tid, res.id, "area", code), "name": territory.commune_name(code) or code,
             "description": f"commune INSEE {code}"} for code in res.serves]
    if res.languages:
        out["languages"] = [{"id": _id(tid, res.id, "language", name), "name": name}
                            for name in res.languages]
    return out


def _location(tid: str, res: Resource) -> dict[str, Any] | None:
    """Where the service is, when the resource says it (coordinates or an address)."""
    location: dict[str, Any] = {"id": _id(tid, res.id, "location"), "location_type": "physical",
                                "name": res.name}
    if res.lat is not None and res.lon is not None:
        location["latitude"], location["longitude"] = res.lat, res.lon
    match = _ADDRESS.match(res.address or "")
    if match:
        location["addresses"] = [{
            "id": _id(tid, res.id, "address"), "address_1": match["street"],
            "city": match["city"], "postal_code": match["postcode"],
            "state_province": departement(match["postcode"]), "country": "FR",
            "address_type": "physical"}]
    return location if len(location) > 3 or res.address else None


def _service(territory: Territory, res: Resource) -> dict[str, Any]:
    tid = territory.id
    sid = _id(tid, res.id)
    data = res.model_dump(exclude_none=True)
    service: dict[str, Any] = {"id": sid, "organization_id": _id(tid, res.id, "organization"),
                               "name": res.name, "status": "active", **_scalars(res),
                               **_lists(territory, res)}
    location = _location(tid, res)
    if location is not None:
        service["service_at_locations"] = [{"id": _id(tid, res.id, "at"), "location": location}]
    service["attributes"] = [
        {"id": _id(tid, res.id, "attribute", key), "link_id": sid, "link_type": "gradation",
         "link_entity": "service", "taxonomy_term_id": term_id(key),
         "value": json.dumps(_plain_tree(data[key]), ensure_ascii=False)}
        for key in PROFILE if key in data]
    return service


def _plain_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_tree(v) for v in value]
    return _plain(value)


def export_package(territory: Territory) -> dict[str, Any]:
    """The package's files, as JSON values (file name → content)."""
    tid = territory.id
    organizations = []
    for res in territory.resources:
        org: dict[str, Any] = {"id": _id(tid, res.id, "organization"), "name": res.name,
                               "description": f"Ressource « {res.id} » du territoire "
                                              f"« {territory.name} »"}
        if res.finess:
            org["organization_identifiers"] = [{
                "id": _id(tid, res.id, "finess"), "identifier_scheme": "FINESS",
                "identifier_type": "FINESS", "identifier": res.finess}]
        organizations.append(org)
    info = territory.data.territory.model_dump(exclude_none=True, exclude_defaults=True,
                                               mode="json")
    return {"services.json": [_service(territory, r) for r in territory.resources],
            "organizations.json": organizations,
            "gradation-territoire.json": {"territory": info, "ids": {
                r.id: _id(tid, r.id) for r in territory.resources}}}


def export_tables(territory: Territory) -> dict[str, Any]:
    """The package as CSV tables (file name → text; the JSON files as JSON values)."""
    from gradation.territory.hsds_csv import csv_text, datapackage, tables

    package = export_package(territory)
    rows = tables(package, {term_id(key): key for key in PROFILE})
    files: dict[str, Any] = {f"{table}.csv": csv_text(table, found)
                             for table, found in rows.items()}
    files["datapackage.json"] = datapackage(f"gradation-{territory.id}")
    files["gradation-territoire.json"] = package["gradation-territoire.json"]
    return files


def _read(folder: Path, name: str) -> Any:
    from gradation.files.atomic import require_regular

    path = folder / name
    if not path.is_file():
        raise GradationError(f"{path} : fichier absent du paquet HSDS (attendus : "
                             f"{', '.join(FILES)})", 3)
    require_regular(path)
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise GradationError(f"{path} : le fichier doit être en UTF-8", 3) from None
    except json.JSONDecodeError as exc:
        raise GradationError(f"{path}:{exc.lineno}:{exc.colno}: JSON illisible ({exc.msg})",
                             3) from None


KIND_NAMES: dict[type, str] = {list: "liste attendue", dict: "objet attendu", str: "texte attendu"}


def _need(value: Any, kind: type, where: str) -> Any:
    """`value` when it is of `kind`; else an error that names the file and the field."""
    if not isinstance(value, kind):
        raise GradationError(f"{where} : {KIND_NAMES.get(kind, kind.__name__)}", 3)
    return value


def is_tabular(folder: Path) -> bool:
    return (folder / "service.csv").is_file() and not (folder / "services.json").is_file()


def import_package(folder: Path) -> dict[str, Any]:
    """The territory data of a package written by `export_package` (JSON) or `export_tables`
    (CSV), or following the same profile, checked field by field; the caller validates it as a
    territory."""
    if is_tabular(folder):
        from gradation.territory.hsds_csv import package_from_tables

        package = package_from_tables(folder)
    else:
        package = {name: _read(folder, name) for name in FILES[:2]}
    services = _need(package["services.json"], list, f"{folder / 'services.json'}")
    organizations = _need(package["organizations.json"], list,
                          f"{folder / 'organizations.json'}")
    block = _need(_read(folder, "gradation-territoire.json"), dict,
                  f"{folder / 'gradation-territoire.json'}")
    info = _need(block.get("territory"), dict, "gradation-territoire.json : territory")
    by_uuid = {v: k for k, v in _need(block.get("ids") or {}, dict,
                                      "gradation-territoire.json : ids").items()}
    finess = {}
    for i, org in enumerate(organizations):
        org = _need(org, dict, f"organizations.json[{i}]")
        for ident in org.get("organization_identifiers") or []:
            if isinstance(ident, dict) and ident.get("identifier_type") == "FINESS":
                finess[org.get("id")] = ident.get("identifier")
    terms = {term_id(key): key for key in PROFILE}
    resources = [_resource(_need(service, dict, f"services.json[{i}]"), f"services.json[{i}]",
                           by_uuid, terms, finess) for i, service in enumerate(services)]
    return {"territory": info, "resources": resources}


def _attributes(service: dict[str, Any], where: str, terms: dict[str, str]) -> dict[str, Any]:
    """The profile's attributes of a service (another profile's are not ours to read)."""
    out = {}
    for attribute in service.get("attributes") or []:
        key = terms.get(_need(attribute, dict, f"{where}.attributes").get("taxonomy_term_id"))
        if key is None:
            continue
        try:
            out[key] = json.loads(_need(attribute.get("value"), str,
                                        f"{where}.attributes ({key}).value"))
        except json.JSONDecodeError:
            raise GradationError(f"{where}.attributes ({key}).value : JSON illisible",
                                 3) from None
    return out


def _contact(service: dict[str, Any], where: str) -> dict[str, Any]:
    """The resource's contact fields, from the service's own and its first phone and
    schedule."""
    res: dict[str, Any] = {}
    for key, target in (("email", "email"), ("url", "website"), ("assured_date", "verified_on")):
        if service.get(key) is not None:
            res[target] = service[key]
    for key, target, field in (("phones", "phone", "number"),
                               ("schedules", "hours", "description")):
        items = service.get(key) or []
        if items:
            res[target] = _need(items[0], dict, f"{where}.{key}[0]").get(field)
    return res


def _resource(service: dict[str, Any], where: str, by_uuid: dict[str, str],
              terms: dict[str, str], finess: dict[Any, Any]) -> dict[str, Any]:
    rid = by_uuid.get(service.get("id"))  # type: ignore[arg-type]
    if rid is None:
        raise GradationError(f"{where}.id : identifiant inconnu de gradation-territoire.json "
                             "(ids)", 3)
    res: dict[str, Any] = {"id": rid, "name": service.get("name"),
                           **_attributes(service, where, terms), **_contact(service, where)}
    ages = {k: service[f"{k}imum_age"] for k in ("min", "max")
            if service.get(f"{k}imum_age") is not None}
    if ages:
        res["age"] = ages
    languages = [x.get("name") for x in service.get("languages") or [] if isinstance(x, dict)]
    if languages:
        res["languages"] = languages
    for at in service.get("service_at_locations") or []:
        location = _need(_need(at, dict, f"{where}.service_at_locations").get("location"), dict,
                         f"{where}.service_at_locations.location")
        if location.get("latitude") is not None:
            res["lat"], res["lon"] = location["latitude"], location.get("longitude")
    if service.get("organization_id") in finess:
        res["finess"] = finess[service["organization_id"]]
    return res


DATES = ("verified_on", "wait_as_of", "finess_updated_on")


def territory_text(data: dict[str, Any], source: str) -> str:
    """The imported territory as a YAML file (dates as dates, keys in the format's order)."""
    import yaml

    from gradation.files.records import clean

    for res in data["resources"]:
        for key in DATES:
            if isinstance(res.get(key), str):
                with contextlib.suppress(ValueError):  # the validation says it, where it is
                    res[key] = dt.date.fromisoformat(res[key])
    for key in ("updated_on", "finess_extract"):
        if isinstance(data["territory"].get(key), str):
            with contextlib.suppress(ValueError):
                data["territory"][key] = dt.date.fromisoformat(data["territory"][key])
    order = list(Resource.model_fields)
    data = {"territory": data["territory"],
            "resources": [{k: r[k] for k in sorted(r, key=lambda k: (
                order.index(k) if k in order else len(order), k))} for r in data["resources"]]}
    head = f"# Territoire importé d'un paquet HSDS 3.0 ({' '.join(clean(source).split())}).\n"
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
