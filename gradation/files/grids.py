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
    """Load and cross-check the model, the common questions and the situations of a grid
    (from the cache when its files have not changed)."""
    from gradation.files.cache import cached, grid_files

    # absolute: nothing in a cached grid may depend on the folder it was loaded from
    root = Path(os.path.realpath(root or default_grids_dir()))
    return cached(grid_files(root), "grid", lambda: _load_grid(root), Grid)

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
        grid = GridCompiler(root, RawFile(model, raw_model, model_name),
                            RawFile(common, raw_common, common_name),
                            [RawFile(*item) for item in raw_situations], problems).compile()
    if any(p.is_error for p in problems) or grid is None:
        return None, problems
    return grid, problems


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
