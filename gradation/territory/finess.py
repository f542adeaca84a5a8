"""FINESS open data (establishments extract) to territory resources.

The file is read as a stream, as it is published: UTF-8 (with or without BOM) or Windows-1252
(older extracts), `;`-separated CSV with real quoting (doubled quotes inside a quoted name, a `;`
inside quotes), a metadata first line, then the `structureet` records, then the
`geolocalisation` records whose system is named the old way (`LAMBERT_93`, `UTM_N20`) or the
2026 way (`EPSG:2154 RGF93 / Lambert-93 (Métropole)` …). Only the establishments that are kept
(mapped category, chosen départements, communes and categories) stay in memory.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradation.core.model import Grid
from gradation.errors import GradationError
from gradation.territory.finess_text import (
    format_phone,
    slug,
    smart_title,
    split_routing,
    street,
)
from gradation.territory.geo import to_wgs84

# Overseas départements are coded 9A, 9B … in FINESS; the INSEE code is 97 (98 for
# Wallis-et-Futuna) followed by the 3-character commune code (9A + 101 → 97101).
OVERSEAS = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9E": "975", "9F": "976",
            "9J": "986"}
# Saint-Barthélemy and Saint-Martin left Guadeloupe (2007): their current INSEE codes.
RENUMBERED = {"97123": "97701", "97127": "97801"}
CHILD_WORDS = ("ENFANT", "INFANTO", "JUVENIL", "CMPEA", "CMPI", "PEDOPSY", "ADOLESCENT", "CMPIJ")
STRUCTURE_FIELDS = 32


def insee_code(departement: str, commune: str) -> str | None:
    departement, commune = departement.strip().upper(), commune.strip()
    if not re.fullmatch(r"\d{3}", commune):
        return None
    if departement in OVERSEAS:
        code = OVERSEAS[departement][:2] + commune
        return RENUMBERED.get(code, code)
    if re.fullmatch(r"\d{2}|2[AB]", departement):
        return departement + commune
    return None


@dataclass(slots=True)
class Establishment:
    finess: str
    name: str
    kind: str
    category: str
    insee: str
    town: str
    postcode: str | None
    address: str | None
    phone: str | None
    updated: dt.date | None
    by_name: bool = False  # kind decided from the name (child CMP)
    lat: float | None = None
    lon: float | None = None


@dataclass(slots=True)
class ImportResult:
    extract_date: dt.date | None
    establishments: list[Establishment] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # (code, label) -> count
    filtered_out: int = 0
    unknown_systems: Counter = field(default_factory=Counter)  # coordinate systems not read

    @property
    def without_coordinates(self) -> list[Establishment]:
        return [e for e in self.establishments if e.lat is None]


def category_table(grid: Grid) -> dict[str, list[str]]:
    """FINESS category code → the kinds of the grid's catalogue that carry it."""
    table: dict[str, list[str]] = {}
    for kind in grid.model.kinds:
        for code in kind.finess:
            table.setdefault(str(code), []).append(kind.id)
    return table


def _choose_kind(kinds: list[str], name: str) -> tuple[str, bool]:
    if set(kinds) == {"cmp", "cmpi"}:
        folded = unicodedata.normalize("NFKD", name.upper())
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        child = any(word in folded for word in CHILD_WORDS)
        return ("cmpi" if child else "cmp"), True
    return kinds[0], False


def read_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The records of a `;`-separated file, quotes understood, in its detected encoding."""
    from gradation.files.records import records

    return records(path, delimiter=";")


def _departement_code(value: str) -> str:
    value = value.strip().upper()
    reverse = {v: k for k, v in OVERSEAS.items()}
    return reverse.get(value, value.zfill(2) if value.isdigit() and len(value) == 1 else value)


@dataclass(frozen=True, slots=True)
class _Filters:
    departements: set[str]
    communes: set[str]
    categories: set[str]

    def exclude(self, departement: str, insee: str | None, category: str) -> bool:
        return (insee is None or bool(self.departements) and departement not in self.departements
                or bool(self.communes) and insee not in self.communes
                or bool(self.categories) and category not in self.categories)

    def said(self) -> str:
        return ", ".join([*sorted(self.departements), *sorted(self.communes),
                          *sorted(self.categories)]) or "aucun filtre"


def _establishment(fields: list[str], category: str, insee: str, kinds: Any
                   ) -> Establishment:
    name = smart_title(fields[4].strip() or fields[3].strip())
    kind, by_name = _choose_kind(kinds, fields[4] + " " + fields[3])
    postcode, town = split_routing(fields[15])
    place = " ".join(p for p in (postcode, town) if p)
    extra = smart_title(fields[11].strip())
    address = ", ".join(p for p in (street(fields), extra, place) if p) or None
    return Establishment(
        finess=fields[1].strip(), name=name, kind=kind, category=category, insee=insee,
        town=town, postcode=postcode, address=address, phone=format_phone(fields[16]),
        updated=_date(fields[30]), by_name=by_name)


def _first_line(path: Path, lines: Iterator[tuple[int, list[str]]]) -> ImportResult:
    first = next(lines, None)
    if first is None or first[1][0] != "finess":
        raise GradationError(f"{path}:1: ce n'est pas un extrait FINESS (la première ligne doit "
                             "commencer par « finess; »)")
    return ImportResult(_date(first[1][3]) if len(first[1]) > 3 else None)


def parse(path: Path, grid: Grid, departements: Iterable[str] = (), communes: Iterable[str] = (),
          categories: Iterable[str] = ()) -> ImportResult:
    table = category_table(grid)
    filters = _Filters({_departement_code(d) for d in departements}, set(communes),
                       {str(c) for c in categories})
    unknown = filters.categories - set(table)
    if unknown:
        raise GradationError(f"catégorie FINESS non prise en charge : {', '.join(sorted(unknown))} "
                             f"(catégories reconnues : {', '.join(sorted(table, key=int))})")
    lines = read_lines(path)
    result = _first_line(path, lines)
    kept: dict[str, Establishment] = {}
    for number, fields in lines:
        if fields[0] == "structureet":
            if len(fields) < STRUCTURE_FIELDS - 1:
                raise GradationError(f"{path}:{number}: ligne structureet incomplète "
                                     f"({len(fields)} champs au lieu de {STRUCTURE_FIELDS})")
            category = fields[18].strip()
            departement = fields[13].strip().upper()
            insee = insee_code(departement, fields[12])
            if category not in table:
                result.skipped[(category, fields[19].strip())] += 1
            elif filters.exclude(departement, insee, category) or insee is None:
                result.filtered_out += 1
            else:
                kept[fields[1]] = _establishment(fields, category, insee, table[category])
        elif fields[0] == "geolocalisation" and len(fields) >= 5 and fields[1] in kept:
            _locate(kept[fields[1]], fields, result)
    result.establishments = sorted(kept.values(), key=lambda e: (e.insee, e.kind, e.name))
    if not result.establishments:
        raise GradationError(f"{path} : aucun établissement retenu ({filters.said()}) ; vérifiez "
                             "le département (01, 2A, 9A pour la Guadeloupe…), les communes et "
                             "les catégories")
    return result


def _locate(found: Establishment, fields: list[str], result: ImportResult) -> None:
    """An establishment's coordinates, converted to WGS84 — only finite and within the range
    of latitudes and longitudes (an overflow or a Lambert y of 12 655 612 is no place)."""
    import math

    try:
        x, y = float(fields[2]), float(fields[3])
        converted = to_wgs84(x, y, fields[4]) if math.isfinite(x) and math.isfinite(y) else None
    except (ValueError, OverflowError, ZeroDivisionError):
        return
    if converted is None:
        result.unknown_systems[fields[4].split(",")[-1].strip() or "?"] += 1
        return
    lat, lon = converted
    if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
        found.lat, found.lon = lat, lon


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


# The fields an import owns (and remembers under `imported`).
OWNED = ("phone", "address", "lat", "lon")


def owned_values(est: Establishment) -> dict[str, Any]:
    values = {"phone": est.phone, "address": est.address, "lat": est.lat, "lon": est.lon}
    return {k: v for k, v in values.items() if v is not None}


def resource_fields(est: Establishment, rid: str) -> dict[str, Any]:
    """A new entry: FINESS's values, the record's date as `finess_updated_on` (never
    `verified_on`, which only a person sets), and what was imported."""
    fields: dict[str, Any] = {"id": rid, "name": est.name, "kind": est.kind}
    if est.kind in ("cmp", "cmpi"):
        fields["age"] = {"min": 16} if est.kind == "cmp" else {"max": 17}
    fields.update(owned_values(est))
    fields["finess"] = est.finess
    if est.updated is not None:
        fields["finess_updated_on"] = est.updated
    if owned_values(est):
        fields["imported"] = owned_values(est)
    return fields


PROPOSED_NOTE = ("Proposé par l'import FINESS, à vérifier : cet établissement a-t-il un service "
                 "de ce type, et à quel numéro ? (sinon : gradation resources remove)")


def proposed_kinds(grid: Grid) -> dict[str, list[tuple[str, str]]]:
    """FINESS category → the kinds an import proposes beside it (id, label)."""
    table: dict[str, list[tuple[str, str]]] = {}
    for kind in grid.model.kinds:
        for code in kind.finess_proposed:
            table.setdefault(str(code), []).append((kind.id, kind.label))
    return table


def proposal_fields(est: Establishment, kind: tuple[str, str], rid: str) -> dict[str, Any]:
    """An entry proposed beside an establishment (its emergency department), to verify."""
    kind_id, label = kind
    fields = resource_fields(est, rid)
    fields.pop("age", None)
    fields.update({"name": f"{label} — {est.name}", "kind": kind_id, "notes": PROPOSED_NOTE})
    return fields


def entries(result: ImportResult, grid: Grid, ids: dict[str, str]) -> list[dict[str, Any]]:
    """The entries of an import: each establishment, then what is proposed beside it."""
    table = proposed_kinds(grid)
    out = []
    for est in result.establishments:
        out.append(resource_fields(est, ids[est.finess]))
        out += [proposal_fields(est, kind, f"{ids[est.finess]}-{kind[0]}")
                for kind in table.get(est.category, [])]
    return out


def unique_ids(establishments: list[Establishment], taken: set[str]) -> dict[str, str]:
    """An id per establishment, from its name, made unique with its FINESS number if needed."""
    ids: dict[str, str] = {}
    for est in establishments:
        base = slug(est.name)
        rid = base if base not in taken else f"{base}-{est.finess.lower()}"
        taken.add(rid)
        ids[est.finess] = rid
    return ids


def territory_data(territory_id: str, name: str, result: ImportResult, ids: dict[str, str],
                   today: dt.date, grid: Grid) -> dict[str, Any]:
    """The territory of the imported establishments, as data (validated before it is written)."""
    communes: dict[str, tuple[str, set[str]]] = {}
    for est in result.establishments:
        _, postcodes = communes.setdefault(est.insee, (est.town, set()))
        if est.postcode:
            postcodes.add(est.postcode)
    return {
        "territory": {
            "id": territory_id, "name": name, "updated_on": today,
            **({"finess_extract": result.extract_date} if result.extract_date else {}),
            "communes": [{"insee": insee, "name": town, "postcodes": sorted(codes)}
                         for insee, (town, codes) in sorted(communes.items())],
        },
        "resources": entries(result, grid, ids),
    }


def territory_text(data: dict[str, Any], result: ImportResult, source: str,
                   today: dt.date) -> str:
    """The territory data as a commented YAML file (written directly: fast, and stable)."""
    import json

    def q(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    from gradation.files.records import clean

    info = data["territory"]
    extract = result.extract_date.isoformat() if result.extract_date else "date inconnue"
    # a comment is one line: a file name may hold a line break (that would inject YAML)
    source = " ".join(clean(source).split())
    out = [
        f"# Territoire « {' '.join(clean(info['name']).split())} » importé de FINESS ({source}, "
        f"extrait du {extract}) le "
        f"{today.isoformat()}.",
        "# Établissements : données ouvertes FINESS (Licence Ouverte). Vérifiez les secteurs",
        "# (serves), les âges et les délais : FINESS ne les donne pas.",
        "territory:",
        f"  id: {info['id']}",
        f"  name: {q(info['name'])}",
        f"  updated_on: {today.isoformat()}",
        *([f"  finess_extract: {info['finess_extract'].isoformat()}"]
          if info.get("finess_extract") else []),
        "  communes:" if info["communes"] else "  communes: []",
    ]
    for commune in info["communes"]:
        codes = ", ".join(q(p) for p in commune["postcodes"])
        out.append(f"    - {{insee: {q(commune['insee'])}, name: {q(commune['name'])}, "
                   f"postcodes: [{codes}]}}")
    out.append("")
    out.append("resources:" if data["resources"] else "resources: []")
    for fields in data["resources"]:
        fields = dict(fields)
        out.append(f"  - id: {fields.pop('id')}")
        out.append(f"    name: {q(fields.pop('name'))}")
        out.append(f"    kind: {fields.pop('kind')}")
        for key, value in fields.items():
            if isinstance(value, dict):
                inner = ", ".join(f"{k}: {q(v)}" for k, v in value.items())
                out.append(f"    {key}: {{{inner}}}")
            elif isinstance(value, dt.date):
                out.append(f"    {key}: {value.isoformat()}")
            elif isinstance(value, float):
                out.append(f"    {key}: {value}")
            else:
                out.append(f"    {key}: {q(value)}")
    return "\n".join(out) + "\n"
