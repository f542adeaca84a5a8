"""`gradation grid …`: validate, prove, schema, export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from gradation.cli.common import (
    SUBCOMMANDS,
    GridsOption,
    grids_root,
    handled,
    print_lines,
    top_keys,
)
from gradation.errors import EXIT_GRID, GradationError, Problem, count_text

grid_app = typer.Typer(
    subcommand_metavar=SUBCOMMANDS,
    help="Grilles : valider, prouver, exporter, schéma.",
    no_args_is_help=True,
)


def _classify(path: Path) -> str:
    """What kind of file this is, from its top-level keys."""
    if path.is_dir():
        return "grid" if (path / "model.yaml").is_file() else "unknown-dir"
    if path.name in ("model.yaml", "common.yaml"):
        return "grid-file"
    keys = top_keys(path)  # unreadable: reported so by the territory check
    if "territory" in keys:
        return "territory"
    if keys & {"rules", "levels"}:
        return "situation"
    if "vignettes" in keys:
        return "vignettes"
    if "sources" in keys:
        return "sources"
    return "territory"


@grid_app.command("validate")
@handled
def grid_validate(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(
            help="Fichiers de territoire, de vignettes, de sources, fichiers ou dossiers de "
            "grilles (par défaut : les grilles utilisées, leurs vignettes, leurs sources et le "
            "territoire configuré).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Les avertissements font échouer.")
    ] = False,
    grids: GridsOption = None,
) -> None:
    """Valider des fichiers : chaque problème avec fichier:ligne:colonne et une correction."""
    from gradation.files.grids import check_grid_files
    from gradation.files.locate import resolve_territory

    root = grids_root(grids)
    problems: list[Problem] = []
    checked = 0
    grid, grid_problems = check_grid_files(root)
    targets = list(paths or [])
    if not targets:
        problems += grid_problems
        checked += 1
        targets = [resolve_territory(None, root)]
        for extra in (root / "training" / "vignettes.yaml", root / "sources.yaml"):
            if grid is not None and extra.is_file():
                targets.append(extra)
    for path in targets:
        checked += 1
        problems += _problems_of(path, root, grid, grid_problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    lines = [str(p) for p in problems]
    plural = "s" if checked > 1 else ""
    files = f"{checked} fichier{plural} ou dossier{plural}"
    lines.append(
        f"{count_text(errors, warnings)} ({files} vérifié{plural})."
        if problems
        else f"Aucun problème ({files} vérifié{plural})."
    )
    print_lines(lines)
    if errors or (strict and warnings):
        raise typer.Exit(EXIT_GRID)  # as for every command: a file that does not load


def _problems_of(path: Path, root: Path, grid: Any, grid_problems: list[Problem]
                 ) -> list[Problem]:
    """The problems of one file or folder, checked as what it is."""
    from gradation.files.grids import check_grid_files, check_sources, check_vignettes
    from gradation.files.territories import check_territory_file

    kind = _classify(path)
    if kind == "grid":
        return check_grid_files(path)[1]
    if kind == "grid-file":
        return check_grid_files(path.parent)[1]
    if kind == "situation":
        return check_grid_files(root, extra=[path])[1]
    if kind == "vignettes" and grid is not None:
        return check_vignettes(grid, path)[1]
    if kind == "sources":
        return check_sources(path)[1]
    if kind == "unknown-dir":
        return [Problem(str(path), 0, 0,
                        "dossier sans model.yaml : ce n'est pas un dossier de grilles")]
    if grid is None:
        return grid_problems
    return check_territory_file(path, grid)[1]


@grid_app.command("check")
@handled
def grid_check(
    directory: Annotated[
        Optional[Path],
        typer.Argument(
            help="Dossier de grilles (par défaut : les grilles utilisées).", show_default=False
        ),
    ] = None,
    grids: GridsOption = None,
) -> None:
    """Prouver la logique des grilles sur tout l'espace des réponses.

    Chaque parcours mène à un niveau qui a des ressources ; chaque drapeau rouge mène à
    l'urgence ; une réponse plus sévère n'abaisse jamais le niveau ; chaque question est posée
    et chaque règle décide au moins une fois. Chaque échec vient avec un jeu de réponses.
    """
    from gradation.core.proofs import check_grid
    from gradation.files.grids import load_grid

    grid = load_grid(directory or grids_root(grids))
    findings = check_grid(grid)
    lines = []
    for f in findings:
        lines.append(f"✗ {f.situation} [{f.check}] {f.message}")
        if f.answers:
            shown = ", ".join(f"{k}={_show(v)}" for k, v in f.answers.items())
            lines.append(f"    contre-exemple : {shown}")
    count = len(grid.situations)
    s = "s" if count > 1 else ""
    lines.append(
        f"{len(findings)} problème{'s' if len(findings) > 1 else ''} dans {count} situation{s}."
        if findings
        else f"✓ {count} situation{s} prouvée{s} : niveaux et types appelés, recours des avis "
        "rapides, drapeaux rouges, monotonie du niveau et du délai, filet de sécurité des "
        "avis psychiatriques, questions et règles utiles."
    )
    print_lines(lines)
    if findings:
        raise typer.Exit(1)


def _show(value: Any) -> str:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    return "" if value is None else str(value)


@grid_app.command("schema")
@handled
def grid_schema(
    vignettes: Annotated[bool, typer.Option(
        "--vignettes", help="Le schéma des fichiers de vignettes d'entraînement.")] = False,
) -> None:
    """Afficher le schéma JSON des fichiers de territoire, ou de vignettes (pour l'éditeur)."""
    from gradation.core.schema import TerritoryFile, VignetteFile

    model = VignetteFile if vignettes else TerritoryFile
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Vignettes gradation" if vignettes else "Territoire gradation"
    typer.echo(json.dumps(schema, ensure_ascii=False, indent=2))


@grid_app.command("export")
@handled
def grid_export(
    directory: Annotated[Path, typer.Argument(help="Dossier à créer.", show_default=False)],
    grids: GridsOption = None,
) -> None:
    """Copier les grilles utilisées comme point de départ d'une grille adaptée."""
    if directory.exists() and any(directory.iterdir()):
        raise GradationError(
            f"{directory} existe et n'est pas vide : choisissez un dossier neuf", 1
        )
    shutil.copytree(grids_root(grids), directory, dirs_exist_ok=True)
    print_lines(
        [
            f"Grilles copiées dans {directory}.",
            f"Utilisez-les avec --grids {directory} ou GRADATION_GRIDS={directory} ; "
            f"vérifiez-les avec gradation grid check {directory}.",
        ]
    )
