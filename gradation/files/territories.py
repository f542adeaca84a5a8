"""Loading and cross-checking territory files."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gradation.core.answers import INSEE
from gradation.core.facts import stale_text
from gradation.core.model import Grid, Territory
from gradation.core.schema import (
    Resource,
    TerritoryFile,
    add_months,
)
from gradation.core.suggest import suggest
from gradation.core.text import visible
from gradation.errors import LoadError, Problem, display_path
from gradation.files.marked import ProblemsFound, key_position
from gradation.files.problems import mapping_items, position_of, schema_problems, validate

# The red flags that lead to `urgence` whatever a grid says: the engine applies them itself, and
# a grid that drops or retypes one of these questions does not load.


_PHONE = re.compile(r"^(?:0[1-9]\d{8}|\+33[1-9]\d{8}|\+262\d{9}|\+590\d{9}|\+594\d{9}|\+596\d{9}"
                    r"|1\d{1,2}|3\d{3})$")

EARLIEST = dt.date(1900, 1, 1)  # dates outside EARLIEST .. today + 1 year are typing mistakes


def territory_problems(data: Any, name: str, grid: Grid, today: dt.date) -> list[Problem]:
    """The cross-checks of a territory file (kinds, situations, ids, sectors, freshness)."""
    info = data.get("territory") if isinstance(data, dict) else None
    communes = ({code for _, c in mapping_items(info, "communes")
                 if isinstance(code := c.get("insee"), str)}
                if isinstance(info, dict) else set())
    checks = _ResourceChecks(name, grid, today, communes)
    for i, res in mapping_items(data, "resources"):
        checks.resource(f"resources[{i}]", res)
    return checks.problems


class _ResourceChecks:
    def __init__(self, name: str, grid: Grid, today: dt.date, communes: set[Any]) -> None:
        self.name = name
        self.today = today
        self.latest = today + dt.timedelta(days=366)
        self.stale_days = grid.model.matching.stale_days
        self.kinds = [k.id for k in grid.model.kinds]
        self.situations = list(grid.situations)
        self.communes = communes
        self.seen: dict[str, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.current: str | None = None  # the id of the resource being checked

    def add(self, where: tuple[int, int], message: str, severity: str = "erreur") -> None:
        # named by its id too: « resources[33] » alone sends a coordinator counting entries
        if self.current is not None and f"« {self.current} »" not in message:
            message += f" — ressource « {visible(self.current, 40)} »"
        self.problems.append(Problem(self.name, *where, message, severity))

    def resource(self, prefix: str, res: dict[str, Any]) -> None:
        rid = res.get("id")
        self.current = rid if isinstance(rid, str) else None
        self.identity(prefix, res)
        self.placement(prefix, res)
        self.sector(prefix, res)
        self.contact(prefix, res)

    def identity(self, prefix: str, res: dict[str, Any]) -> None:
        rid, kind = res.get("id"), res.get("kind")
        if isinstance(rid, str):
            if rid in self.seen:
                self.add(position_of(res, "id"), f"{prefix}.id : identifiant « {rid} » en double "
                         f"(déjà utilisé ligne {self.seen[rid][0]})")
            else:
                self.seen[rid] = position_of(res, "id")
        if isinstance(kind, str) and kind not in self.kinds:
            self.add(position_of(res, "kind"),
                     f"{prefix}.kind : type « {kind} » inconnu{suggest(kind, self.kinds)}")

    def placement(self, prefix: str, res: dict[str, Any]) -> None:
        listed = res.get("situations")
        for j, sid in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(sid, str) and sid not in self.situations:
                self.add(position_of(listed, j),
                         f"{prefix}.situations[{j}] : situation « {sid} » inconnue"
                         f"{suggest(sid, self.situations)} (situations : "
                         f"{', '.join(self.situations)})")
        if "level" in res and not res.get("situations"):
            self.add(key_position(res, "level"),
                     f"{prefix}.level : « level » exige « situations » (le niveau ne vaut que "
                     "pour les situations listées)")
        age = res.get("age")
        if isinstance(age, dict):
            low, high = age.get("min"), age.get("max")
            if isinstance(low, int) and isinstance(high, int) and low > high:
                self.add(position_of(age, "min"),
                         f"{prefix}.age : min ({low}) supérieur à max ({high})")

    def sector(self, prefix: str, res: dict[str, Any]) -> None:
        serves = res.get("serves")
        if not isinstance(serves, list) or not self.communes:
            return
        for j, code in enumerate(serves):
            if isinstance(code, str) and INSEE.match(code) and code not in self.communes:
                self.add(position_of(serves, j), f"{prefix}.serves[{j}] : commune « {code} » "
                         "absente des communes du territoire", "avertissement")

    def contact(self, prefix: str, res: dict[str, Any]) -> None:
        verified = res.get("verified_on")
        if type(verified) is dt.date and not EARLIEST <= verified <= self.latest:
            self.add(position_of(res, "verified_on"), f"{prefix}.verified_on : date "
                     f"{verified.isoformat()} invraisemblable (entre {EARLIEST.year} et "
                     f"{self.latest.isoformat()})")
        elif type(verified) is dt.date and (self.today - verified).days > self.stale_days:
            self.add(position_of(res, "verified_on"), f"{prefix}.verified_on : fiche non "
                     f"vérifiée depuis {stale_text(self.stale_days)} ({verified.isoformat()})",
                     "avertissement")
        declared = res.get("wait_as_of")
        if type(declared) is dt.date and declared > self.today:
            self.add(position_of(res, "wait_as_of"), f"{prefix}.wait_as_of : date "
                     f"{declared.isoformat()} dans le futur (comptée comme récente)",
                     "avertissement")
        elif (type(declared) is dt.date and res.get("urgent_days") is not None
              and add_months(declared, 6) < self.today):
            self.add(position_of(res, "wait_as_of"), f"{prefix}.urgent_days : déclaré le "
                     f"{declared.isoformat()}, il y a plus de six mois : il ne rend plus la "
                     "ressource rapide (vérifiez-le et mettez wait_as_of à jour)",
                     "avertissement")
        phone = res.get("phone")
        if isinstance(phone, str) and not _PHONE.match(re.sub(r"[\s.\-]", "", phone)):
            self.add(position_of(res, "phone"), f"{prefix}.phone : « {visible(phone)} » n'est "
                     "pas un numéro français (par exemple 01 99 00 00 01)", "avertissement")


def load_territory(path: Path, grid: Grid, today: dt.date | None = None) -> Territory:
    """A validated territory (from the cache when nothing it depends on has changed)."""
    from gradation.files.cache import cached, grid_files

    today = today or dt.date.today()
    path = Path(os.path.realpath(path))  # nothing cached depends on the current folder

    def build() -> Territory:
        territory, problems = check_territory_file(path, grid, today)
        if territory is None:
            raise LoadError(problems, "le territoire ne peut pas être chargé")
        return territory

    return cached([path, *grid_files(grid.root)], f"territory|{today.isoformat()}", build,
                  _encode, lambda data: _decode(data, path))


def _encode(territory: Territory) -> dict[str, Any]:
    """A territory as plain JSON data for the cache."""
    return {"data": territory.data.model_dump(mode="json", exclude_none=True),
            "warnings": [[p.file, p.line, p.column, p.message, p.severity]
                         for p in territory.warnings]}


def _decode(data: Any, path: Path) -> Territory:
    """A cached territory, validated again by its schema: plain JSON, which cannot run code,
    checked as the file was (anything wrong raises, and the territory is built from its file).
    Building without validating (model_construct) measured no faster at 100 000 entries."""
    warnings = [Problem(str(f), int(line), int(col), str(message), str(severity))
                for f, line, col, message, severity in data["warnings"]]
    return Territory(path, TerritoryFile.model_validate(data["data"], strict=False), warnings)

def check_territory_file(path: Path, grid: Grid, today: dt.date | None = None,
                         text: str | None = None) -> tuple[Territory | None, list[Problem]]:
    """A territory and every problem of its file; `text` checks new content before it is
    written to `path`.

    A first pass builds plain data (fast, small); only when it finds a problem is the file read
    again with the position of every value, to locate each problem.
    """
    today = today or dt.date.today()
    territory, problems = _territory_pass(path, grid, today, text, marks=False)
    if problems:
        territory, problems = _territory_pass(path, grid, today, text, marks=True)
    return territory, problems

def check_territory_data(data: dict[str, Any], name: str, grid: Grid, today: dt.date
                         ) -> list[Problem]:
    """The problems of territory data built by the program (an import) before it is written:
    each entry is validated on its own, so that a large import needs little memory."""

    from gradation.core.schema import TerritoryInfo

    problems: list[Problem] = []
    try:
        TerritoryInfo.model_validate(data.get("territory"))
    except ValidationError as exc:
        problems += schema_problems(exc, data.get("territory"), TerritoryInfo, name)
    for i, entry in enumerate(data.get("resources") or []):
        try:
            Resource.model_validate(entry)
        except ValidationError as exc:
            problems += [Problem(p.file, p.line, p.column, f"resources[{i}].{p.message}",
                                 p.severity)
                         for p in schema_problems(exc, entry, Resource, name)]
    return problems + territory_problems(data, name, grid, today)

def _territory_pass(path: Path, grid: Grid, today: dt.date, text: str | None,
                    marks: bool) -> tuple[Territory | None, list[Problem]]:
    name = display_path(path)
    from gradation.files.yamlio import parse_yaml, read_yaml  # only when a file is read

    try:
        if text is None:
            data, problems = read_yaml(path, name, marks)
        else:
            data, problems = parse_yaml(text, name, marks)
    except ProblemsFound as exc:
        data, problems = None, exc.problems
    territory = None
    if not any(p.is_error for p in problems):
        territory = validate(TerritoryFile, data, problems, name)
        if isinstance(data, dict):
            problems += territory_problems(data, name, grid, today)
    problems.sort(key=lambda p: (p.line, p.column))
    if territory is None or any(p.is_error for p in problems):
        return None, problems
    return Territory(path, territory, problems), problems
