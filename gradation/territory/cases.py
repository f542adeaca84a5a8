"""Reference cases: answers -> the level and resources that `orient` must conclude (a
coordinator checks a territory with them: `gradation cases run`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradation.core.model import Grid, Territory
from gradation.core.result import Result
from gradation.core.settle import result_for
from gradation.errors import GradationError, LoadError, Problem, display_path
from gradation.files.territories import load_territory
from gradation.files.yamlio import ProblemsFound, read_yaml

# Numbers that must appear exactly when a case lists them; others may be added by the grid.
EXACT_NUMBERS = ("15", "17", "3114", "119")
FIELD_NAMES = {"level": "niveau", "delay": "délai", "resources": "resources", "bridge": "bridge",
               "alongside": "alongside", "fallback": "fallback"}


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    name: str
    passed: bool
    detail: str = ""


def _ids(items: list[Any]) -> list[str]:
    return [r.id for r in items]


def check_case(case: dict[str, Any], grid: Grid, territory: Territory,
               today: dt.date | None = None) -> str:
    """'' when the case passes, else its first difference in French."""
    problem = _shape_problem(case)
    if problem:
        return f"cas mal formé : {problem}"
    expect = case.get("expect") or {}
    try:
        result = result_for(grid, grid.situation(str(case.get("situation"))),
                            case.get("answers") or {}, territory, today)
    except GradationError as exc:
        return _refusal(expect, exc)
    if "exit" in expect:
        return f"attendu un refus (code {expect['exit']}), obtenu le niveau {result.level}"
    return _lists(expect, result) or _numbers(expect, result)


def _refusal(expect: dict[str, Any], exc: GradationError) -> str:
    if expect.get("exit") != exc.exit_code:
        return f"refusé (code {exc.exit_code}) : {exc.message.splitlines()[0]}"
    absent = [m for m in expect.get("missing", []) if m not in exc.message]
    if absent:
        return f"le message ne nomme pas {', '.join(absent)} : {exc.message}"
    return ""


def _lists(expect: dict[str, Any], result: Result) -> str:
    got: dict[str, Any] = {
        "level": result.level,
        "delay": result.delay,
        "resources": _ids(result.resources),
        "bridge": _ids(result.bridge),
        "alongside": _ids(result.alongside),
        "fallback": _ids(result.fallback),
    }
    for key, value in got.items():
        if key not in expect:
            continue
        wanted = str(expect[key]) if isinstance(value, str) else [*map(str, expect[key] or [])]
        if wanted != value:
            return f"{FIELD_NAMES[key]} : attendu {wanted}, obtenu {value}"
    for key, values in (("ignored", result.ignored), ("unanswered", result.unanswered)):
        if key in expect and sorted(expect[key] or []) != sorted(values):
            return f"{key} : attendu {expect[key]}, obtenu {values}"
    return ""


def _numbers(expect: dict[str, Any], result: Result) -> str:
    """The numbers listed must be shown; 15, 17, 3114 and 119 only when listed."""
    if "numbers" not in expect:
        return ""
    shown = [n.dial for n in result.numbers]
    wanted = [str(n).replace(" ", "") for n in expect["numbers"] or []]
    missing = [n for n in wanted if n not in shown]
    extra = [n for n in EXACT_NUMBERS if n in shown and n not in wanted]
    return f"numéros : attendu {wanted}, obtenu {shown}" if missing or extra else ""


LIST_KEYS = ("resources", "bridge", "alongside", "fallback", "numbers", "ignored", "unanswered",
             "missing")
# The keys of a case, each with the test of its shape and what is said when it fails.
_SHAPES: tuple[tuple[str, Any, str], ...] = (
    ("name", lambda v: v is None or isinstance(v, str), "« name » : un texte"),
    ("situation", lambda v: isinstance(v, str),
     "« situation » : un identifiant de situation (par exemple psychiatrie)"),
    ("answers", lambda v: v is None or isinstance(v, dict),
     "« answers » doit associer chaque question à sa réponse (question: valeur)"),
    ("answers", lambda v: not isinstance(v, dict) or not any(
        isinstance(x, dict | list) for x in v.values()),
     "« answers » : chaque réponse est une valeur simple"),
    ("expect", lambda v: v is None or isinstance(v, dict),
     "« expect » doit être un ensemble de clés (level, resources …)"),
)


def _identifiers(value: list[Any]) -> bool:
    return all(isinstance(v, str | int) and not isinstance(v, bool) for v in value)


def _shape_problem(case: dict[str, Any]) -> str:
    """What is wrong with a case's shape (answers a mapping of scalars, expect a mapping whose
    lists are lists), or ''."""
    for key, fine, said in _SHAPES:
        if not fine(case.get(key)):
            return said
    expect = case.get("expect") or {}
    for key in LIST_KEYS:
        value = expect.get(key)
        if value is not None and not isinstance(value, list):
            return f"« expect.{key} » doit être une liste (par exemple [a, b])"
        if value and not _identifiers(value):
            return f"« expect.{key} » : une liste d'identifiants (par exemple [a, b])"
    missing = expect.get("missing")
    if missing and not all(isinstance(v, str) for v in missing):
        return "« expect.missing » : une liste d'identifiants de questions (par exemple [age])"
    return ""


def run_cases(path: Path, grid: Grid, today: dt.date | None = None) -> Iterator[CaseOutcome]:
    name = display_path(path)
    try:
        data, problems = read_yaml(path, name)
    except ProblemsFound as exc:
        raise LoadError(exc.problems, "le fichier de cas ne peut pas être lu") from None
    if problems:
        raise LoadError(problems, "le fichier de cas ne peut pas être lu")
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise LoadError([Problem(name, 1, 1, "clé « cases » (liste de cas) attendue")],
                        "le fichier de cas ne peut pas être lu")
    # A file may fix the date of the run (`today:`): cases whose urgent slots age stay true.
    fixed = data.get("today")
    if isinstance(fixed, dt.date):
        today = fixed
    elif fixed is not None:
        raise LoadError([Problem(name, 1, 1, "clé « today » : une date AAAA-MM-JJ attendue")],
                        "le fichier de cas ne peut pas être lu")
    territory_path = data.get("territory")
    territory = None
    if territory_path:
        territory = load_territory(path.parent / str(territory_path), grid, today)
    for i, case in enumerate(data["cases"]):
        if not isinstance(case, dict):
            yield CaseOutcome(f"cas n° {i + 1}", False, "un cas est un ensemble de clés")
            continue
        given = case.get("name")
        # a name is text: anything else (an alias bomb of nested lists) is never printed
        title = given if isinstance(given, str) and given else f"cas n° {i + 1}"
        if territory is None:
            yield CaseOutcome(title, False, "aucun territoire (clé « territory »)")
            continue
        detail = check_case(case, grid, territory, today)
        yield CaseOutcome(title, not detail, detail)
