"""What a coordinator needs to know about a territory: its coverage, its gaps, its stale entries.

Pure functions over the loaded grid and territory; the CLI renders them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from gradation.core.matching import is_placed
from gradation.core.model import Grid, Situation, Territory
from gradation.core.schema import Resource
from gradation.errors import GradationError

LEVEL_COLUMNS = ("1", "2", "3", "urgence")


def _age_overlaps(res: Resource, situation: Situation) -> bool:
    if res.age is None:
        return True
    low = res.age.min if res.age.min is not None else 0
    high = res.age.max if res.age.max is not None else 120
    return low <= situation.spec.age.max and high >= situation.spec.age.min


def placed(territory: Territory, grid: Grid, situation: Situation, level: str) -> list[Resource]:
    """The resources placed at (situation, level) whose ages meet the situation's range."""
    kinds = situation.kinds(level, grid)
    return [r for r in territory.resources
            if is_placed(r, situation.id, level, kinds) and _age_overlaps(r, situation)]


@dataclass(frozen=True, slots=True)
class Coverage:
    counts: dict[tuple[str, str], int]  # (situation, level) -> resources placed
    by_commune: dict[str, dict[tuple[str, str], int]]  # commune -> (situation, level) -> serving

    def gaps(self, insee: str) -> list[tuple[str, str]]:
        """The situation-levels that no resource serves in this commune."""
        return [key for key, count in self.by_commune[insee].items() if count == 0]


def coverage(territory: Territory, grid: Grid) -> Coverage:
    counts: dict[tuple[str, str], int] = {}
    by_commune: dict[str, dict[tuple[str, str], int]] = {
        c.insee: {} for c in territory.data.territory.communes}
    for situation in grid.situations.values():
        for level in LEVEL_COLUMNS:
            if level != "urgence" and int(level) not in situation.spec.levels:
                continue
            found = placed(territory, grid, situation, level)
            counts[(situation.id, level)] = len(found)
            for insee, cells in by_commune.items():
                cells[(situation.id, level)] = sum(
                    r.serves is None or insee in r.serves for r in found)
    return Coverage(counts, by_commune)


def gradation_table(territory: Territory, grid: Grid
                    ) -> list[tuple[Situation, list[tuple[str, list[Resource]]]]]:
    """Each situation's levels (urgence last) with the local resources placed there."""
    return [(situation, [(level, placed(territory, grid, situation, level))
                         for level in LEVEL_COLUMNS
                         if level == "urgence" or int(level) in situation.spec.levels])
            for situation in grid.situations.values()]


Gap = tuple[str, str, tuple[str, ...]]  # situation, level, the kinds that would answer it


def grouped_gaps(territory: Territory, grid: Grid, cov: Coverage
                 ) -> list[tuple[list[tuple[str, str]], list[Gap]]]:
    """The communes grouped by the same gaps (in the territory's order), each gap with the
    kinds that would fill it."""
    groups: dict[tuple[Gap, ...], list[tuple[str, str]]] = {}
    for commune in territory.data.territory.communes:
        gaps = tuple((sid, level, tuple(grid.situations[sid].kinds(level, grid)))
                     for sid, level in cov.gaps(commune.insee))
        groups.setdefault(gaps, []).append((commune.insee, commune.name))
    return [(communes, list(gaps)) for gaps, communes in groups.items()]


def level_text(level: str) -> str:
    return "urgence" if level == "urgence" else f"niveau {level}"


_DURATION = re.compile(r"^(\d+)\s*([jdsmwya])$")


def parse_duration(text: str, today: dt.date) -> int:
    """« 12m », « 1a » / « 1y », « 6s » / « 6w », « 90j » / « 90d » as a number of days back
    from `today`: months and years are calendar ones (12m is a year, as for orient's warning)."""
    from gradation.core.schema_territory import add_months

    match = _DURATION.match(text.strip().lower())
    if not match:
        raise GradationError(f"durée invalide : « {text} » (par exemple 12m, 1a, 6s ou 90j)")
    number, unit = int(match.group(1)), match.group(2)
    if unit in "may":
        months = number * (1 if unit == "m" else 12)
        return (today - add_months(today, -months)).days
    return number * {"j": 1, "d": 1, "s": 7, "w": 7}[unit]


def stale(territory: Territory, days: int, today: dt.date) -> list[tuple[Resource, int | None]]:
    """Entries never verified (None) or verified more than `days` ago (their age in days)."""
    out: list[tuple[Resource, int | None]] = []
    for res in territory.resources:
        if res.verified_on is None:
            out.append((res, None))
        elif (today - res.verified_on).days > days:
            out.append((res, (today - res.verified_on).days))
    return sorted(out, key=lambda item: (item[1] is not None, -(item[1] or 0), item[0].id))


def init_text(territory_id: str, name: str, communes: list[tuple[str, str]], today: dt.date,
              geography: tuple[str, list[str]] | None = None) -> str:
    """A new, commented territory file."""
    import json

    lines = [
        f"# Territoire « {name} » : l'annuaire des ressources locales pour gradation.",
        "# Format : voir le README (section coordination) ;",
        "# vérifiez avec `gradation grid validate`.",
        "# Chaque ressource : id, name, kind obligatoires ; serves (codes INSEE du secteur), age,",
        "# phone, address, hours, walk_in, wait_weeks, verified_on … facultatifs.",
        "territory:",
        f"  id: {territory_id}",
        f"  name: {json.dumps(name, ensure_ascii=False)}",
        f"  updated_on: {today.isoformat()}",
        "  communes:",
    ]
    if geography is not None:
        source, departements = geography
        lines.insert(-1, "  geography: {file: " + json.dumps(source, ensure_ascii=False)
                     + ", departements: [" + ", ".join(json.dumps(d) for d in departements)
                     + "]}")
    if not communes:
        lines[-1] = "  communes: []"
    for insee, commune in communes:
        label = json.dumps(commune, ensure_ascii=False)
        lines.append(f"    - {{insee: \"{insee}\", name: {label}}}")
    lines += [
        "",
        "resources: []",
        "# Exemple (à adapter), à ajouter avec `gradation resources add` :",
        "#  - id: cmp-exemple",
        "#    name: \"CMP adultes\"",
        "#    kind: cmp",
        "#    serves: [\"" + (communes[0][0] if communes else "99001") + "\"]",
        "#    phone: \"01 99 00 00 00\"",
        "#    wait_weeks: 6",
        f"#    verified_on: {today.isoformat()}",
        "",
    ]
    return "\n".join(lines)


def coverage_records(territory: Territory, grid: Grid, cov: Coverage) -> list[list[object]]:
    """One row per commune, situation and level: how many resources, and the kinds that would
    fill a gap (for a spreadsheet)."""
    records: list[list[object]] = [["commune", "nom", "situation", "niveau", "ressources",
                                    "types qui y répondraient (lacune)"]]
    for commune in territory.data.territory.communes:
        for (sid, lv), count in cov.by_commune[commune.insee].items():
            kinds = ", ".join(grid.situations[sid].kinds(lv, grid)) if count == 0 else ""
            records.append([commune.insee, commune.name, sid, lv, count, kinds])
    return records


@dataclass(frozen=True, slots=True)
class CoverageTable:
    """What `territory coverage` shows: resources placed by situation and level, and the gaps
    of each group of communes (each gap said « situation niveau — à trouver : kinds »)."""

    territory: str
    header: list[str]
    rows: list[list[str]]
    gaps: list[tuple[list[tuple[str, str]], list[str]]]


def coverage_table(territory: Territory, grid: Grid) -> CoverageTable:
    cov = coverage(territory, grid)
    rows = [[situation.id, *(str(cov.counts[(situation.id, lv)])
                             if (situation.id, lv) in cov.counts else "—"
                             for lv in LEVEL_COLUMNS)]
            for situation in grid.situations.values()]
    gaps = [(communes, [f"{sid} {level_text(lv)} — à trouver : {', '.join(kinds)}"
                        for sid, lv, kinds in found])
            for communes, found in grouped_gaps(territory, grid, cov)]
    return CoverageTable(territory.name, ["situation", "niveau 1", "niveau 2", "niveau 3",
                                          "urgence"], rows, gaps)


def filtered(territory: Territory, grid: Grid, kind: str | None = None,
             situation: str | None = None, commune: str | None = None) -> list[Resource]:
    """The resources of one kind, placed in one situation, serving one commune (each filter
    when given)."""
    chosen = list(territory.resources)
    if kind:
        _known_kind(grid, kind)
        chosen = [r for r in chosen if r.kind == kind]
    if situation:
        ids = _placed_ids(territory, grid, grid.situation(situation))
        chosen = [r for r in chosen if r.id in ids]
    if commune:
        chosen = [r for r in chosen if r.serves is None or commune in r.serves]
    return chosen


def _known_kind(grid: Grid, kind: str) -> None:
    known = [k.id for k in grid.model.kinds]
    if kind not in known:
        from gradation.core.suggest import suggest

        raise GradationError(f"type « {kind} » inconnu{suggest(kind, known)} (la liste : "
                             "gradation kinds)")


def _placed_ids(territory: Territory, grid: Grid, situation: Situation) -> set[str]:
    """The resources placed at some level of the situation (or at urgence)."""
    return {r.id for lv in LEVEL_COLUMNS for r in placed(territory, grid, situation, lv)
            if lv == "urgence" or int(lv) in situation.spec.levels}
