"""Open-data files as published: the encoding of a file, and the communes of the official
geography: INSEE's COG commune file, and La Poste's file of
postal codes, as they are published (CSV; UTF-8 or Windows-1252; `,` or `;`).

- COG `v_commune_<année>.csv`: TYPECOM, COM, REG, DEP, CTCD, ARR, TNCC, NCC, NCCENR, LIBELLE,
  CAN, COMPARENT. A `COM` row is a commune; a `COMD` (commune déléguée), `COMA` (associée) or
  `ARM` (arrondissement municipal) row names a part of its COMPARENT, kept as an alias.
- La Poste (base officielle des codes postaux): Code_commune_INSEE;Nom_commune (or
  Nom_de_la_commune);Code_postal;Libellé_d_acheminement;Ligne_5.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gradation.errors import GradationError


@dataclass(slots=True)
class Commune:
    insee: str
    name: str
    departement: str
    postcodes: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    """Each record as a mapping of its column names (the first line), cleaned."""
    from gradation.files.records import records

    names: list[str] | None = None
    for _, row in records(path):
        if names is None:
            names = [n.strip().lstrip("#").strip().upper() for n in row]
            continue
        yield dict(zip(names, (v.strip() for v in row), strict=False))


def read_cog(path: Path, departements: Iterable[str] = (), codes: Iterable[str] = ()
             ) -> list[Commune]:
    """The communes of the chosen départements or codes, with their aliases."""
    wanted_deps = {d.strip().upper().zfill(2) for d in departements}
    wanted = set(codes)

    def chosen(row: dict[str, str]) -> bool:
        return (not wanted_deps or row.get("DEP", "").upper() in wanted_deps) and (
            not wanted or row.get("COM", "") in wanted)

    communes: dict[str, Commune] = {}
    parts: list[tuple[str, str]] = []
    for row in _rows(path):
        if "COM" not in row or "TYPECOM" not in row:
            raise GradationError(f"{path} : ce n'est pas un fichier des communes du COG (colonnes "
                                 "TYPECOM, COM, DEP, LIBELLE attendues)")
        kind, code = row.get("TYPECOM", ""), row.get("COM", "")
        if kind == "COM" and chosen(row):
            communes[code] = Commune(code, row.get("LIBELLE", code), row.get("DEP", ""))
        elif kind in ("COMD", "COMA", "ARM") and row.get("COMPARENT"):
            parts.append((row["COMPARENT"], row.get("LIBELLE", "")))
    for parent, name in parts:
        if parent in communes and name and name != communes[parent].name:
            communes[parent].aliases.append(name)
    if not communes:
        raise GradationError(f"{path} : aucune commune retenue ; vérifiez le département ou les "
                             "codes INSEE demandés")
    return sorted(communes.values(), key=lambda c: c.insee)


def add_postcodes(path: Path, communes: list[Commune]) -> None:
    """Fill each commune's postal codes from La Poste's file."""
    by_code = {c.insee: c for c in communes}
    for row in _rows(path):
        code = row.get("CODE_COMMUNE_INSEE", "")
        postcode = row.get("CODE_POSTAL", "")
        if code in by_code and postcode and postcode not in by_code[code].postcodes:
            by_code[code].postcodes.append(postcode)
    for commune in communes:
        commune.postcodes.sort()
