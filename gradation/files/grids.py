"""Loading and cross-checking grid folders: model, common questions, situations, vignettes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gradation.core.model import Grid
from gradation.core.schema import (
    CommonFile,
    ModelFile,
    SituationFile,
)
from gradation.core.suggest import suggest
from gradation.errors import LoadError, Problem, display_path
from gradation.files.compile import GridCompiler, RawFile
from gradation.files.locate import default_grids_dir
from gradation.files.problems import position_of, read_checked, validate

# The red flags that lead to `urgence` whatever a grid says: the engine applies them itself, and
# a grid that drops or retypes one of these questions does not load.


def load_grid(root: Path | None = None) -> Grid:
    """Load and cross-check the model, the common questions and the situations of a grid."""
    root = Path(os.path.realpath(root or default_grids_dir()))
    return _load_grid(root)

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
    raw_situations = _read_situations(root, extra or [], problems)

    grid = None
    if model is not None and common is not None and all(s for s, _, _ in raw_situations):
        grid = GridCompiler(root, RawFile(model, raw_model, model_name),
                            RawFile(common, raw_common, common_name),
                            [RawFile(*item) for item in raw_situations], problems).compile()
    if any(p.is_error for p in problems) or grid is None:
        return None, problems
    return grid, problems


def _read_situations(root: Path, extra: list[Path], problems: list[Problem]
                     ) -> list[tuple[Any, Any, str]]:
    """Each situation file of the folder (an `extra` one replacing its namesake): its spec
    (None when it does not validate), its raw data, its name."""
    by_name = {p.name: p for p in sorted((root / "situations").glob("*.yaml"))}
    by_name.update({p.name: p for p in extra})
    if not by_name:
        problems.append(Problem(display_path(root / "situations"), 0, 0, "aucune situation"))
    out = []
    for path in by_name.values():
        data, found, name = read_checked(path)
        problems += found
        out.append((validate(SituationFile, data, problems, name) if not found else None,
                    data, name))
    return out


def load_vignettes(grid: Grid, path: Path | None = None) -> list[Any]:
    """The training vignettes (`training/vignettes.yaml` of the grid, or a trainer's file),
    every one checked before the first is shown: a quiz never stops in the middle."""
    found, problems = check_vignettes(grid, path or grid.root / "training" / "vignettes.yaml")
    if found is None or any(p.is_error for p in problems):
        raise LoadError(problems, "les vignettes ne peuvent pas être chargées")
    return found


def check_vignettes(grid: Grid, path: Path) -> tuple[list[Any] | None, list[Problem]]:
    """A vignettes file against its schema and the grid: known situation, known questions and
    values, an age the situation accepts, every question of the path answered, and the
    expected level the one the engine reaches. Each problem with FILE:LINE:COL."""
    from gradation.core.schema import VignetteFile

    data, problems, name = read_checked(path)
    found = None
    if not any(p.is_error for p in problems):
        found = validate(VignetteFile, data, problems, name)
    # one pass: a vignette with a structural error (said above) does not hide the others'
    checked = list(enumerate(found.vignettes)) if found is not None else _valid_items(data)
    seen: set[str] = set()
    for i, vignette in checked:
        item = data["vignettes"][i]
        where = f"vignettes[{i}] ({vignette.id})"
        if vignette.id in seen:
            problems.append(Problem(name, *position_of(item, "id"),
                                    f"{where} : identifiant déjà utilisé par une autre vignette"))
        seen.add(vignette.id)
        situation = grid.situations.get(vignette.situation)
        if situation is None:
            problems.append(Problem(name, *position_of(item, "situation"),
                                    f"{where}.situation : situation « {vignette.situation} » "
                                    f"inconnue{suggest(vignette.situation, grid.situations)}"))
            continue
        problems += _vignette_problems(grid, situation, vignette, item, name, where)
    return (list(found.vignettes) if found is not None else None), problems


def _answer_problems(grid: Grid, situation: Any, vignette: Any, item: Any, name: str,
                     where: str) -> list[Problem]:
    """Each answer of a vignette: a known question, of this situation, with a valid value."""
    from gradation.core.answers import AnswerError, normalise

    out = []
    for key, value in vignette.answers.items():
        question = situation.question(key) or grid.all_questions.get(key)
        at = position_of(item.get("answers"), key)
        if question is None:
            out.append(Problem(name, *at, f"{where}.answers : question « {key} » "
                               f"inconnue{suggest(key, grid.all_questions)}"))
            continue
        if situation.question(key) is None:  # another situation's: never read here
            out.append(Problem(name, *at, f"{where}.answers : « {key} » n'est pas une question "
                               f"de « {situation.id} » (réponse ignorée par la grille : "
                               "retirez-la)", "avertissement"))
        try:
            normalise(question, value)
        except AnswerError as exc:
            out.append(Problem(name, *at, f"{where}.answers : {exc}"))
    return out


def _vignette_problems(grid: Grid, situation: Any, vignette: Any, item: Any, name: str,
                       where: str) -> list[Problem]:
    """A vignette's answers, its age, and the level the grid reaches against the one
    expected."""
    from gradation.core.answers import AnswerError
    from gradation.core.settle import result_for

    found = _answer_problems(grid, situation, vignette, item, name, where)
    if any(p.is_error for p in found):
        return found
    age = vignette.answers.get("age")
    spec_age = situation.spec.age
    if isinstance(age, int) and not spec_age.min <= age <= spec_age.max:
        return [*found, Problem(name, *position_of(item.get("answers"), "age"),
                                f"{where} : {age} ans, hors des âges de « {situation.id} » "
                                f"({spec_age.min} à {spec_age.max} ans)")]
    try:
        result = result_for(grid, situation, vignette.answers)
    except AnswerError as exc:
        return [*found, Problem(name, *position_of(item, "answers"), f"{where} : {exc}")]
    if result.level != vignette.level:
        found.append(Problem(name, *position_of(item, "level"),
                             f"{where}.level : « {vignette.level} » attendu, mais la grille "
                             f"conclut « {result.level} » pour ces réponses (corrigez le niveau "
                             "attendu ou les réponses)"))
    return found


def _valid_items(data: Any) -> list[tuple[int, Any]]:
    """The vignettes that are well formed on their own, with their index (when the file as a
    whole is not)."""
    from pydantic import ValidationError

    from gradation.core.schema import Vignette

    items = data.get("vignettes") if isinstance(data, dict) else None
    out = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        try:
            out.append((i, Vignette.model_validate(item)))
        except ValidationError:
            continue
    return out


def check_sources(path: Path) -> tuple[list[Any] | None, list[Problem]]:
    """A sources file (the full references of the grids' source tags) against its schema."""
    from gradation.core.schema import SourcesFile

    data, problems, name = read_checked(path)
    found = None
    if not any(p.is_error for p in problems):
        found = validate(SourcesFile, data, problems, name)
    if found is None or any(p.is_error for p in problems):
        return None, problems
    return list(found.sources), problems


def load_sources(grid: Grid) -> list[Any]:
    """The full references of the grids' source tags (`sources.yaml`), or [] when the grid
    folder has none."""
    path = grid.root / "sources.yaml"
    if not path.is_file():
        return []
    found, problems = check_sources(path)
    if found is None:
        raise LoadError(problems, "les sources ne peuvent pas être chargées")
    return found
