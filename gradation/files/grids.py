"""Loading and cross-checking grid folders: model, common questions, situations, vignettes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gradation.core import conditions as cond
from gradation.core.model import SAFETY_RED_FLAGS, CompiledRule, Grid, Situation
from gradation.core.schema import (
    CommonFile,
    ModelFile,
    Question,
    SituationFile,
)
from gradation.core.suggest import suggest
from gradation.errors import LoadError, Problem, display_path
from gradation.files.locate import default_grids_dir
from gradation.files.problems import mapping_items, position_of, read_checked, validate

# The red flags that lead to `urgence` whatever a grid says: the engine applies them itself, and
# a grid that drops or retypes one of these questions does not load.


def load_grid(root: Path | None = None) -> Grid:
    """Load and cross-check the model, the common questions and the situations of a grid
    (from the cache when its files have not changed)."""
    from gradation.files.cache import cached, grid_files

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
    raw_model, found, model_name = read_checked(root / "model.yaml")
    problems += found
    model = validate(ModelFile, raw_model, problems, model_name) if not found else None
    raw_common, found, common_name = read_checked(root / "common.yaml")
    problems += found
    common = validate(CommonFile, raw_common, problems, common_name) if not found else None
    by_name = {p.name: p for p in sorted((root / "situations").glob("*.yaml"))}
    by_name.update({p.name: p for p in extra or []})
    situation_files = list(by_name.values())
    if not situation_files:
        problems.append(Problem(display_path(root / "situations"), 0, 0, "aucune situation"))
    raw_situations = []
    for path in situation_files:
        data, found, name = read_checked(path)
        problems += found
        spec = validate(SituationFile, data, problems, name) if not found else None
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
                Problem(name, *position_of(container, key), f"type « {kind} » inconnu du catalogue"
                        f"{suggest(kind, kinds)}")
            )

    for i, line in mapping_items(raw_model, "lines"):
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
            line, column = position_of(container, key)
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
                    problems.append(Problem(common_name, *position_of(raw_calls, j),
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
            problems.append(Problem(name, *position_of(raw, "id"), f"situation « {spec.id} » en double"))
            continue
        if spec.age.min > spec.age.max:
            problems.append(Problem(name, *position_of(raw, "age"), "age.min doit être ≤ age.max"))
        if 1 not in spec.levels:
            problems.append(Problem(name, *position_of(raw, "levels"), "le niveau 1 est requis"))
        for level, level_spec in spec.levels.items():
            raw_level = raw["levels"][level]
            for j, kind in enumerate(level_spec.kinds):
                check_kind(kind, raw_level["kinds"], j, name)
            if isinstance(level_spec.extension, list):
                for j, kind in enumerate(level_spec.extension):
                    check_kind(kind, raw_level["extension"], j, name)
            if not level_spec.all_kinds():
                problems.append(Problem(name, *position_of(raw["levels"], level),
                                        f"levels.{level} : aucun type de ressource (kinds ou "
                                        "extension)"))
        scope = dict(common_questions)
        for i, q in enumerate(spec.questions):
            if q.id in common_questions:
                problems.append(Problem(name, *position_of(raw["questions"], i),
                                        f"question « {q.id} » déjà posée dans les questions communes"))
            other = all_questions[q.id]
            if other is not q and (other.type, other.min, other.max, other.choice_ids()) != (
                q.type, q.min, q.max, q.choice_ids()
            ):
                problems.append(Problem(name, *position_of(raw["questions"], i),
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
                problems.append(Problem(name, *position_of(item, "level"),
                                        f"niveau {rule.level} absent de « levels »"))
            c = compile_condition(rule.when, scope, item, "when", name, f"rules[{i}].when")
            level_spec = spec.levels.get(rule.level)
            cell = level_spec.all_kinds() if level_spec else []
            for j, kind in enumerate(rule.calls or []):
                check_kind(kind, item["calls"], j, name)
                if kind in kinds and level_spec is not None and kind not in cell:
                    problems.append(Problem(
                        name, *position_of(item["calls"], j),
                        f"rules[{i}].calls : type « {kind} » absent du niveau {rule.level} de la "
                        f"situation ; ajoutez-le à levels.{rule.level}.extension s'il complète "
                        "la source"))
            if rule.level == 1 and rule.calls:
                problems.append(Problem(name, *position_of(item, "calls"),
                                        f"rules[{i}].calls : une règle de niveau 1 appelle tous "
                                        "les types du niveau 1 (retirez « calls »)"))
            if rule.level == 1 and rule.delay != "programme":
                problems.append(Problem(name, *position_of(item, "delay"),
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
            problems.append(Problem(model_name, *position_of(raw_fallback[i], "kind"),
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
    for _, item in mapping_items(raw, key):
        ident = item.get(id_key)
        if not isinstance(ident, str):
            continue
        where = position_of(item, id_key)
        if ident in seen:
            problems.append(Problem(name, *where, f"{what} « {ident} » en double "
                                    f"(déjà définie ligne {seen[ident][0]})"))
        else:
            seen[ident] = where



def load_vignettes(grid: Grid, path: Path | None = None) -> list[Any]:
    """The training vignettes of a grid (`training/vignettes.yaml`)."""
    from gradation.core.schema import VignetteFile

    path = path or grid.root / "training" / "vignettes.yaml"
    data, problems, name = read_checked(path)
    found = None
    if not any(p.is_error for p in problems):
        found = validate(VignetteFile, data, problems, name)
    if found is not None:
        for i, vignette in enumerate(found.vignettes):
            if vignette.situation not in grid.situations:
                item = data["vignettes"][i]
                problems.append(Problem(name, *position_of(item, "situation"),
                                        f"vignettes[{i}].situation : situation « "
                                        f"{vignette.situation} » inconnue"
                                        f"{suggest(vignette.situation, grid.situations)}"))
    if found is None or any(p.is_error for p in problems):
        raise LoadError(problems, "les vignettes ne peuvent pas être chargées")
    return list(found.vignettes)
