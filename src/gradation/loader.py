"""From YAML files to the typed model: every problem reported with its file, line and column."""

from __future__ import annotations

import datetime as dt
import os
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import conditions as cond
from .suggest import suggest
from .errors import LoadError, Problem, display_path
from .answers import INSEE
from .schema import (
    CommonFile,
    ModelFile,
    Question,
    Resource,
    SituationFile,
    TerritoryFile,
)

# The red flags that lead to `urgence` whatever a grid says: the engine applies them itself, and
# a grid that drops or retypes one of these questions does not load.
SAFETY_RED_FLAGS: tuple[tuple[str, Any], ...] = (
    ("risque_suicidaire", "eleve"),
    ("danger_autrui", True),
    ("agitation", True),
    ("confusion", True),
    ("intoxication_aigue", True),
    ("enfant_en_danger", True),
)
SAFETY_REASONS = {
    "risque_suicidaire": "Risque suicidaire à urgence élevée",
    "danger_autrui": "Danger pour autrui",
    "agitation": "Agitation sévère ou état délirant aigu",
    "confusion": "Confusion ou trouble de la vigilance",
    "intoxication_aigue": "Intoxication aiguë sévère ou surdosage",
    "enfant_en_danger": "Enfant en danger immédiat",
}


# --- Compiled grid ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str
    level: str  # "1", "2", "3" or "urgence"
    condition: cond.Condition
    reason: str
    source: str
    calls: tuple[str, ...] = ()  # the kinds this reason calls for
    delay: str = "programme"  # "programme", "rapide" or "sans-delai"


@dataclass(slots=True)
class Situation:
    spec: SituationFile
    questions: list[Question]  # common questions first, then the situation's own
    conditions: dict[str, cond.Condition | None]  # question id -> when it is asked
    rules: list[CompiledRule]  # levels 1 (reasons that keep level 1), 2 and 3

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def label(self) -> str:
        return self.spec.label

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    def kinds(self, level: str, grid: Grid) -> list[str]:
        """Every kind of a level's cell, extensions included."""
        if level == "urgence":
            return list(grid.model.urgence_kinds)
        spec = self.spec.levels.get(int(level))
        return spec.all_kinds() if spec else []

    def is_extension(self, level: str, kind: str) -> bool:
        spec = self.spec.levels.get(int(level)) if level != "urgence" else None
        return spec is not None and spec.is_extension(kind)


@dataclass(slots=True)
class Grid:
    root: Path
    model: ModelFile
    common: CommonFile
    red_flags: list[CompiledRule]
    situations: dict[str, Situation]
    numbers: list[tuple[Any, cond.Condition | None]]  # (HelpNumber, condition)
    all_questions: dict[str, Question] = field(default_factory=dict)
    fallback: list[tuple[str, cond.Condition | None]] = field(default_factory=list)
    resource_warnings: list[tuple[Any, cond.Condition]] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.model.version

    def kind_label(self, kind: str) -> str:
        return next((k.label for k in self.model.kinds if k.id == kind), kind)

    def complements(self, kind: str) -> bool:
        return any(k.complements for k in self.model.kinds if k.id == kind)

    def delay_label(self, delay: str) -> str:
        return next((d.label for d in self.model.delays if d.id == delay), delay)

    def level_label(self, level: str) -> str:
        return next((lv.label for lv in self.model.levels if lv.id == level), level)

    def situation(self, sid: str) -> Situation:
        from .errors import GradationError

        found = self.situations.get(sid)
        if found is None:
            known = ", ".join(self.situations)
            raise GradationError(
                f"situation « {sid} » inconnue{suggest(sid, self.situations)} "
                f"(situations : {known})"
            )
        return found


@dataclass(slots=True)
class Territory:
    path: Path
    data: TerritoryFile
    warnings: list[Problem]

    @property
    def id(self) -> str:
        return self.data.territory.id

    @property
    def name(self) -> str:
        return self.data.territory.name

    @property
    def resources(self) -> list[Resource]:
        return self.data.resources

    def commune_name(self, insee: str) -> str | None:
        return next((c.name for c in self.data.territory.communes if c.insee == insee), None)


def yamlio():  # type: ignore[no-untyped-def]
    """The YAML reader, imported only when a file is really parsed (not on a cache hit)."""
    from . import yamlio as module

    return module


# --- Where the files are ------------------------------------------------------------------------


def default_grids_dir() -> Path:
    """The grids of the installed package, or of the source checkout."""
    override = os.environ.get("GRADATION_GRIDS")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for candidate in (here / "grids", here.parents[1] / "grids"):
        if (candidate / "model.yaml").is_file():
            return candidate
    raise LoadError([Problem(str(here / "grids"), 0, 0, "grilles par défaut introuvables")],
                    "la grille ne peut pas être chargée")


# --- Validation helpers -------------------------------------------------------------------------

_TYPE_MESSAGES = {
    "string_type": "texte attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "bool_type": "true ou false attendu",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "list_type": "liste attendue (par exemple [a, b])",
    "dict_type": "ensemble de clés attendu (clé: valeur)",
    "model_type": "ensemble de clés attendu (clé: valeur)",
    "model_attributes_type": "ensemble de clés attendu (clé: valeur)",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_inexact": "date attendue au format AAAA-MM-JJ (sans heure)",
    "too_short": "au moins un élément attendu",
    "string_too_short": "texte vide : une valeur est attendue",
}
_PATTERN_MESSAGES = {
    "insee": 'code INSEE invalide : 5 caractères entre guillemets (par exemple "99001", "2A004")',
    "serves": 'code INSEE invalide : 5 caractères entre guillemets (par exemple "99001", "2A004")',
    "finess": 'numéro FINESS invalide : 9 caractères entre guillemets (par exemple "990000017")',
    "postcodes": 'code postal invalide : 5 chiffres entre guillemets (par exemple "99100")',
}


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "un ensemble de clés"
    if isinstance(value, list):
        return "une liste"  # never str() a list: an alias bomb would make it enormous
    text = str(value)
    text = text if len(text) <= 40 else text[:37] + "…"
    return f"« {text} »" if isinstance(value, str) else text


def key_path(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional, Annotated, list and dict annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(annotation) for t in _unwrap(a)]
    if origin in (list, dict):
        return _unwrap(typing.get_args(annotation)[-1])
    return [annotation]


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping found at `loc` (list indexes and dict keys
    keep the current value type)."""
    current: type[BaseModel] | None = root
    for part in loc:
        if current is None:
            return None
        if not isinstance(part, str) or part not in current.model_fields:
            continue  # a list index, or a key of a dict such as `levels: {1: …}`
        models = [
            t
            for t in _unwrap(current.model_fields[part].annotation)
            if isinstance(t, type) and issubclass(t, BaseModel)
        ]
        current = models[0] if models else None
    return current


def _walk(data: Any, loc: tuple[Any, ...]) -> tuple[Any, Any, Any]:
    """Follow a location into the data: (parent container, last key, value)."""
    parent, key, value = None, None, data
    for part in loc:
        if isinstance(value, dict) and part in value:
            parent, key, value = value, part, value[part]
        elif isinstance(value, dict) and isinstance(part, str) and part.isdigit() and int(part) in value:
            parent, key, value = value, int(part), value[int(part)]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            parent, key, value = value, part, value[part]
        else:
            break
    return parent, key, value


def schema_problems(
    exc: ValidationError, data: Any, root: type[BaseModel], filename: str
) -> list[Problem]:
    """Pydantic's errors as located French problems."""
    problems = []
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if p != "[key]")
        kind = error["type"]
        if kind in ("union_tag_invalid",) or (kind == "literal_error" and loc in seen):
            continue
        parent, key, value = _walk(data, loc)
        where = yamlio().position(parent, key) if parent is not None else getattr(data, "pos", (0, 0))
        last = loc[-1] if loc else ""
        if kind == "missing":
            _, _, container = _walk(data, loc[:-1])
            where = getattr(container, "pos", where)
            message = f"clé « {last} » manquante"
        elif kind == "extra_forbidden":
            where = yamlio().key_position(parent, key) if parent is not None else where
            model = _model_at(root, loc[:-1])
            fields = list(model.model_fields) if model else []
            message = f"clé « {last} » inconnue{suggest(last, fields)}"
            if fields and not suggest(last, fields):
                message += f" (clés possibles : {', '.join(fields)})"
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            options = re.findall(r"'([^']*)'|(\d+)", expected)
            names = [a or b for a, b in options]
            message = f"valeur {_show(value)} invalide : attendu {expected}{suggest(value, names)}"
        elif kind == "string_pattern_mismatch":
            name = next((p for p in reversed(loc) if isinstance(p, str)), "")
            message = _PATTERN_MESSAGES.get(
                name,
                "identifiant invalide : lettres minuscules sans accent, chiffres et tirets "
                "(par exemple cmp-exempleville)",
            )
            message += f", reçu {_show(value)}"
        elif kind in ("greater_than_equal", "less_than_equal"):
            bound = error.get("ctx", {}).get("ge", error.get("ctx", {}).get("le"))
            word = "au moins" if kind == "greater_than_equal" else "au plus"
            message = f"valeur {_show(value)} hors limites : {word} {bound}"
        elif kind == "string_type" and isinstance(value, int) and not isinstance(value, bool):
            message = f"texte attendu : écrivez la valeur entre guillemets (\"{value}\")"
        else:
            message = _TYPE_MESSAGES.get(kind, error["msg"])
            if kind in _TYPE_MESSAGES and kind not in ("too_short", "string_too_short"):
                message += f", reçu {_show(value)}"
        seen.add(loc)
        problems.append(Problem(filename, *where, f"{key_path(loc)} : {message}"))
    return problems


def _read(path: Path) -> tuple[Any, list[Problem], str]:
    name = display_path(path)
    try:
        data, problems = yamlio().read_yaml(path, name)
    except yamlio().ProblemsFound as exc:
        return None, exc.problems, name
    return data, problems, name


def _validate(model: type[BaseModel], data: Any, problems: list[Problem], name: str) -> Any:
    if not isinstance(data, dict):
        problems.append(Problem(name, 1, 1, "le fichier doit contenir des clés (clé: valeur)"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(schema_problems(exc, data, model, name))
        return None


def _at(container: Any, key: Any) -> tuple[int, int]:
    return yamlio().position(container, key)


def _items(data: Any, key: str) -> list[tuple[int, dict]]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


# --- Grids --------------------------------------------------------------------------------------


def load_grid(root: Path | None = None) -> Grid:
    """Load and cross-check the model, the common questions and the situations of a grid
    (from the cache when its files have not changed)."""
    from .cache import cached, grid_files

    root = root or default_grids_dir()
    return cached(grid_files(root), "grid", lambda: _load_grid(root))


def _load_grid(root: Path) -> Grid:
    grid, problems = check_grid_files(root)
    if grid is None:
        raise LoadError(problems, "la grille ne peut pas être chargée")
    return grid


def check_grid_files(root: Path, extra: list[Path] | None = None
                     ) -> tuple[Grid | None, list[Problem]]:
    """The grid of a folder and every problem of its files (the grid is None on errors).

    `extra` situation files are checked with the grid, replacing those of the same name.
    """
    problems: list[Problem] = []
    raw_model, found, model_name = _read(root / "model.yaml")
    problems += found
    model = _validate(ModelFile, raw_model, problems, model_name) if not found else None
    raw_common, found, common_name = _read(root / "common.yaml")
    problems += found
    common = _validate(CommonFile, raw_common, problems, common_name) if not found else None
    by_name = {p.name: p for p in sorted((root / "situations").glob("*.yaml"))}
    by_name.update({p.name: p for p in extra or []})
    situation_files = list(by_name.values())
    if not situation_files:
        problems.append(Problem(display_path(root / "situations"), 0, 0, "aucune situation"))
    raw_situations = []
    for path in situation_files:
        data, found, name = _read(path)
        problems += found
        spec = _validate(SituationFile, data, problems, name) if not found else None
        raw_situations.append((spec, data, name))

    grid = None
    if model is not None and common is not None and all(s for s, _, _ in raw_situations):
        grid = _compile_grid(root, model, raw_model, model_name, common, raw_common, common_name,
                             raw_situations, problems)
    if any(p.is_error for p in problems) or grid is None:
        return None, problems
    return grid, problems


def _compile_grid(
    root: Path,
    model: ModelFile,
    raw_model: Any,
    model_name: str,
    common: CommonFile,
    raw_common: Any,
    common_name: str,
    raw_situations: list[tuple[SituationFile, Any, str]],
    problems: list[Problem],
) -> Grid:
    kinds = [k.id for k in model.kinds]
    _duplicates(raw_model, "kinds", "id", model_name, problems, "type")

    def check_kind(kind: str, container: Any, key: Any, name: str) -> None:
        if kind not in kinds:
            problems.append(
                Problem(name, *_at(container, key), f"type « {kind} » inconnu du catalogue"
                        f"{suggest(kind, kinds)}")
            )

    for i, line in _items(raw_model, "lines"):
        for fld, cell in (line.get("cells") or {}).items():
            for j, kind in enumerate(cell):
                check_kind(kind, cell, j, model_name)
    urgence = raw_model.get("urgence_kinds")
    for j, kind in enumerate(model.urgence_kinds):
        check_kind(kind, urgence, j, model_name)

    common_questions = {q.id: q for q in common.questions}
    _duplicates(raw_common, "questions", "id", common_name, problems, "question")
    for qid, expected in SAFETY_RED_FLAGS:
        question = common_questions.get(qid)
        wanted = "boolean" if expected is True else "choice"
        if question is None or question.type != wanted or (
            wanted == "choice" and expected not in question.choice_ids()
        ):
            problems.append(
                Problem(common_name, *getattr(raw_common, "pos", (1, 1)),
                        f"la question de sécurité « {qid} » doit rester dans les questions "
                        f"communes ({'oui/non' if wanted == 'boolean' else 'choix avec ' + expected})")
            )
    for question_id in ("age",):
        if common_questions.get(question_id) is None or common_questions[question_id].type != "integer":
            problems.append(Problem(common_name, 1, 1, "la question « age » (entier) est requise"))

    all_questions: dict[str, Question] = dict(common_questions)
    for spec, _, _ in raw_situations:
        for q in spec.questions:
            all_questions.setdefault(q.id, q)

    def compile_condition(text: str, scope: Mapping[str, Question], container: Any, key: Any,
                          name: str, what: str) -> cond.Condition | None:
        try:
            return cond.parse(text, scope)
        except cond.ConditionError as exc:
            line, column = _at(container, key)
            problems.append(Problem(name, line, column, f"{what} : {exc.message}"))
            return None

    def check_questions(questions: list[Question], raw: Any, name: str, scope: dict[str, Question],
                        prior: Mapping[str, Any]) -> dict[str, cond.Condition | None]:
        out: dict[str, cond.Condition | None] = {}
        for i, q in enumerate(questions):
            item = raw["questions"][i]
            if q.type == "choice" and len(q.values) < 2:
                problems.append(Problem(name, *item.pos, f"question « {q.id} » : au moins deux valeurs"))
            if q.type in ("integer", "score"):
                if q.min is None or q.max is None or q.min > q.max:
                    problems.append(Problem(name, *item.pos,
                                            f"question « {q.id} » : min et max requis, min ≤ max"))
            out[q.id] = None
            if q.when is not None:
                # a condition reads only the questions asked before this one
                earlier = {k: v for k, v in scope.items() if k in out or k in prior}
                earlier.pop(q.id, None)
                out[q.id] = compile_condition(q.when, earlier, item, "when", name,
                                              f"questions[{i}].when")
        return out

    common_conditions = check_questions(common.questions, raw_common, common_name,
                                        common_questions, {})
    red_flags = []
    for i, (flag, item) in enumerate(zip(common.red_flags, raw_common.get("red_flags") or [])):
        c = compile_condition(flag.when, common_questions, item, "when", common_name,
                              f"red_flags[{i}].when")
        raw_calls = item.get("calls") if isinstance(item, dict) else None
        for j, kind in enumerate(flag.calls or []):
            if kind not in model.urgence_kinds:
                check_kind(kind, raw_calls, j, common_name)
                if kind in kinds:
                    problems.append(Problem(common_name, *_at(raw_calls, j),
                                            f"red_flags[{i}].calls : type « {kind} » absent de "
                                            "urgence_kinds (model.yaml)"))
        if c is not None:
            calls = (tuple(flag.calls) if flag.calls is not None
                     else tuple(model.urgence_kinds))
            red_flags.append(CompiledRule(flag.id, "urgence", c, flag.reason, flag.source,
                                          calls, "sans-delai"))

    situations: dict[str, Situation] = {}
    for spec, raw, name in raw_situations:
        if spec.id in situations:
            problems.append(Problem(name, *_at(raw, "id"), f"situation « {spec.id} » en double"))
            continue
        if spec.age.min > spec.age.max:
            problems.append(Problem(name, *_at(raw, "age"), "age.min doit être ≤ age.max"))
        if 1 not in spec.levels:
            problems.append(Problem(name, *_at(raw, "levels"), "le niveau 1 est requis"))
        for level, level_spec in spec.levels.items():
            raw_level = raw["levels"][level]
            for j, kind in enumerate(level_spec.kinds):
                check_kind(kind, raw_level["kinds"], j, name)
            if isinstance(level_spec.extension, list):
                for j, kind in enumerate(level_spec.extension):
                    check_kind(kind, raw_level["extension"], j, name)
            if not level_spec.all_kinds():
                problems.append(Problem(name, *_at(raw["levels"], level),
                                        f"levels.{level} : aucun type de ressource (kinds ou "
                                        "extension)"))
        scope = dict(common_questions)
        for i, q in enumerate(spec.questions):
            if q.id in common_questions:
                problems.append(Problem(name, *_at(raw["questions"], i),
                                        f"question « {q.id} » déjà posée dans les questions communes"))
            other = all_questions[q.id]
            if other is not q and (other.type, other.min, other.max, other.choice_ids()) != (
                q.type, q.min, q.max, q.choice_ids()
            ):
                problems.append(Problem(name, *_at(raw["questions"], i),
                                        f"question « {q.id} » définie autrement dans une autre situation"))
            scope[q.id] = q
        _duplicates(raw, "questions", "id", name, problems, "question")
        _duplicates(raw, "rules", "id", name, problems, "règle")
        conditions = dict(common_conditions)
        conditions.update(check_questions(spec.questions, raw, name, scope, common_questions))
        rules = []
        for i, rule in enumerate(spec.rules):
            item = raw["rules"][i]
            if rule.level not in spec.levels:
                problems.append(Problem(name, *_at(item, "level"),
                                        f"niveau {rule.level} absent de « levels »"))
            c = compile_condition(rule.when, scope, item, "when", name, f"rules[{i}].when")
            level_spec = spec.levels.get(rule.level)
            cell = level_spec.all_kinds() if level_spec else []
            for j, kind in enumerate(rule.calls or []):
                check_kind(kind, item["calls"], j, name)
                if kind in kinds and level_spec is not None and kind not in cell:
                    problems.append(Problem(
                        name, *_at(item["calls"], j),
                        f"rules[{i}].calls : type « {kind} » absent du niveau {rule.level} de la "
                        f"situation ; ajoutez-le à levels.{rule.level}.extension s'il complète "
                        "la source"))
            if rule.level == 1 and rule.calls:
                problems.append(Problem(name, *_at(item, "calls"),
                                        f"rules[{i}].calls : une règle de niveau 1 appelle tous "
                                        "les types du niveau 1 (retirez « calls »)"))
            if rule.level == 1 and rule.delay != "programme":
                problems.append(Problem(name, *_at(item, "delay"),
                                        f"rules[{i}].delay : une règle de niveau 1 est "
                                        "« programme »"))
            if c is not None:
                calls = tuple(rule.calls) if rule.calls is not None else tuple(cell)
                rules.append(CompiledRule(rule.id, str(rule.level), c, rule.reason, rule.source,
                                          calls, rule.delay))
        situations[spec.id] = Situation(spec, [*common.questions, *spec.questions], conditions, rules)

    order = {sid: i for i, sid in enumerate(model.situations)}
    situations = dict(sorted(situations.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    numbers = []
    raw_numbers = raw_model.get("numbers") or []
    for i, number in enumerate(model.numbers):
        c = None
        if number.when:
            c = compile_condition(number.when, all_questions, raw_numbers[i], "when", model_name,
                                  f"numbers[{i}].when")
        numbers.append((number, c))
    raw_matching = raw_model.get("matching") or {}
    fallback = []
    raw_fallback = raw_matching.get("fallback") or []
    for i, entry in enumerate(model.matching.fallback):
        if entry.kind not in model.urgence_kinds:
            problems.append(Problem(model_name, *_at(raw_fallback[i], "kind"),
                                    f"matching.fallback[{i}].kind : type « {entry.kind} » absent "
                                    "de urgence_kinds"))
        c = None
        if entry.when:
            c = compile_condition(entry.when, all_questions, raw_fallback[i], "when", model_name,
                                  f"matching.fallback[{i}].when")
        fallback.append((entry.kind, c))
    for j, kind in enumerate(model.matching.rapid_bridge_kinds):
        check_kind(kind, raw_matching.get("rapid_bridge_kinds"), j, model_name)
    resource_warnings = []
    raw_warnings = raw_matching.get("resource_warnings") or []
    for i, warning in enumerate(model.matching.resource_warnings):
        c = compile_condition(warning.when, all_questions, raw_warnings[i], "when", model_name,
                              f"matching.resource_warnings[{i}].when")
        if c is not None:
            resource_warnings.append((warning, c))
    return Grid(root, model, common, red_flags, situations, numbers, all_questions, fallback,
                resource_warnings)


def _duplicates(raw: Any, key: str, id_key: str, name: str, problems: list[Problem],
                what: str) -> None:
    seen: dict[str, tuple[int, int]] = {}
    for _, item in _items(raw, key):
        ident = item.get(id_key)
        if not isinstance(ident, str):
            continue
        where = _at(item, id_key)
        if ident in seen:
            problems.append(Problem(name, *where, f"{what} « {ident} » en double "
                                    f"(déjà définie ligne {seen[ident][0]})"))
        else:
            seen[ident] = where


# --- Territories --------------------------------------------------------------------------------

_PHONE = re.compile(r"^(?:0[1-9]\d{8}|\+33[1-9]\d{8}|\+262\d{9}|\+590\d{9}|\+594\d{9}|\+596\d{9}"
                    r"|1\d{1,2}|3\d{3})$")


def territory_problems(data: Any, name: str, grid: Grid, today: dt.date) -> list[Problem]:
    """The cross-checks of a territory file (kinds, situations, ids, sectors, freshness)."""
    problems: list[Problem] = []
    kinds = [k.id for k in grid.model.kinds]
    situations = list(grid.situations)
    info = data.get("territory") if isinstance(data, dict) else None
    communes = {c.get("insee") for _, c in _items(info, "communes")} if isinstance(info, dict) else set()
    seen: dict[str, tuple[int, int]] = {}
    for i, res in _items(data, "resources"):
        prefix = f"resources[{i}]"
        rid = res.get("id")
        if isinstance(rid, str):
            if rid in seen:
                problems.append(Problem(name, *_at(res, "id"),
                                        f"{prefix}.id : identifiant « {rid} » en double "
                                        f"(déjà utilisé ligne {seen[rid][0]})"))
            else:
                seen[rid] = _at(res, "id")
        kind = res.get("kind")
        if isinstance(kind, str) and kind not in kinds:
            problems.append(Problem(name, *_at(res, "kind"),
                                    f"{prefix}.kind : type « {kind} » inconnu{suggest(kind, kinds)}"))
        listed = res.get("situations")
        if isinstance(listed, list):
            for j, sid in enumerate(listed):
                if isinstance(sid, str) and sid not in situations:
                    problems.append(Problem(name, *_at(listed, j),
                                            f"{prefix}.situations[{j}] : situation « {sid} » inconnue"
                                            f"{suggest(sid, situations)} (situations : "
                                            f"{', '.join(situations)})"))
        if "level" in res and not res.get("situations"):
            problems.append(Problem(name, *yamlio().key_position(res, "level"),
                                    f"{prefix}.level : « level » exige « situations » "
                                    "(le niveau ne vaut que pour les situations listées)"))
        age = res.get("age")
        if isinstance(age, dict):
            low, high = age.get("min"), age.get("max")
            if isinstance(low, int) and isinstance(high, int) and low > high:
                problems.append(Problem(name, *_at(age, "min"),
                                        f"{prefix}.age : min ({low}) supérieur à max ({high})"))
        serves = res.get("serves")
        if isinstance(serves, list) and communes:
            for j, code in enumerate(serves):
                if isinstance(code, str) and INSEE.match(code) and code not in communes:
                    problems.append(Problem(name, *_at(serves, j),
                                            f"{prefix}.serves[{j}] : commune « {code} » absente "
                                            "des communes du territoire", "avertissement"))
        verified = res.get("verified_on")
        if isinstance(verified, dt.date) and (today - verified).days > 365:
            problems.append(Problem(name, *_at(res, "verified_on"),
                                    f"{prefix}.verified_on : fiche non vérifiée depuis plus d'un an "
                                    f"({verified.isoformat()})", "avertissement"))
        phone = res.get("phone")
        if isinstance(phone, str) and not _PHONE.match(re.sub(r"[\s.\-]", "", phone)):
            problems.append(Problem(name, *_at(res, "phone"),
                                    f"{prefix}.phone : « {phone} » n'est pas un numéro français "
                                    "(par exemple 01 99 00 00 01)", "avertissement"))
    return problems


def load_territory(path: Path, grid: Grid, today: dt.date | None = None) -> Territory:
    """A validated territory (from the cache when nothing it depends on has changed)."""
    from .cache import cached, grid_files

    today = today or dt.date.today()

    def build() -> Territory:
        territory, problems = check_territory_file(path, grid, today)
        if territory is None:
            raise LoadError(problems, "le territoire ne peut pas être chargé")
        return territory

    return cached([path, *grid_files(grid.root)], f"territory|{today.isoformat()}", build)


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
    from pydantic import ValidationError

    from .schema import Resource, TerritoryInfo

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
    try:
        if text is None:
            data, problems = yamlio().read_yaml(path, name, marks)
        else:
            data, problems = yamlio().parse_yaml(text, name, marks)
    except yamlio().ProblemsFound as exc:
        data, problems = None, exc.problems
    territory = None
    if not any(p.is_error for p in problems):
        territory = _validate(TerritoryFile, data, problems, name)
        if isinstance(data, dict):
            problems += territory_problems(data, name, grid, today)
    problems.sort(key=lambda p: (p.line, p.column))
    if territory is None or any(p.is_error for p in problems):
        return None, problems
    return Territory(path, territory, problems), problems


def shipped_territories(grids: Path) -> dict[str, Path]:
    folder = grids / "territories"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def resolve_territory(value: str | None, grids: Path) -> Path:
    """`--territory ID|PATH`, else GRADATION_TERRITORY, else the configured one, else `demo`."""
    from .errors import GradationError

    if not value:
        value = os.environ.get("GRADATION_TERRITORY") or _configured_territory() or "demo"
    shipped = shipped_territories(grids)
    if value in shipped:
        return shipped[value]
    path = Path(value)
    if path.suffix in (".yaml", ".yml") or len(path.parts) > 1 or path.exists():
        if not path.is_file():
            raise GradationError(f"fichier de territoire introuvable : {value}")
        return path
    raise GradationError(
        f"territoire « {value} » inconnu{suggest(value, shipped)} : donnez l'identifiant d'un "
        f"territoire fourni ({', '.join(shipped)}) ou le chemin d'un fichier .yaml"
    )


def config_file() -> Path:
    from platformdirs import user_config_path

    return user_config_path("gradation", appauthor=False) / "config.yaml"


def _configured_territory() -> str | None:
    path = config_file()
    if not path.is_file():
        return None
    try:
        data, _ = yamlio().read_yaml(path)
    except yamlio().ProblemsFound:
        return None
    value = data.get("territory") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def load_vignettes(grid: Grid, path: Path | None = None) -> list[Any]:
    """The training vignettes of a grid (`training/vignettes.yaml`)."""
    from .schema import VignetteFile

    path = path or grid.root / "training" / "vignettes.yaml"
    data, problems, name = _read(path)
    found = None
    if not any(p.is_error for p in problems):
        found = _validate(VignetteFile, data, problems, name)
    if found is not None:
        for i, vignette in enumerate(found.vignettes):
            if vignette.situation not in grid.situations:
                item = data["vignettes"][i]
                problems.append(Problem(name, *_at(item, "situation"),
                                        f"vignettes[{i}].situation : situation « "
                                        f"{vignette.situation} » inconnue"
                                        f"{suggest(vignette.situation, grid.situations)}"))
    if found is None or any(p.is_error for p in problems):
        raise LoadError(problems, "les vignettes ne peuvent pas être chargées")
    return list(found.vignettes)
