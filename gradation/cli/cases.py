"""`gradation cases run`: reference cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gradation.cli.common import (
    SUBCOMMANDS,
    GridsOption,
    grid_from,
    handled,
    stdout_console,
    top_keys,
)

cases_app = typer.Typer(
    subcommand_metavar=SUBCOMMANDS,
    help="Cas de référence : réponses → niveau et ressources attendus.",
    no_args_is_help=True,
)


@cases_app.command("run")
@handled
def cases_run(
    files: Annotated[list[Path], typer.Argument(
        help="Fichiers de cas (YAML), ou un dossier : ses fichiers de cas.", show_default=False)],
    grids: GridsOption = None,
) -> None:
    """Rejouer des cas de référence ; une ligne par cas, puis « N passed, N failed »."""
    from gradation.present.lists import print_case, print_heading
    from gradation.territory.cases import run_cases

    grid = grid_from(grids)
    console = stdout_console()
    passed = failed = 0
    paths = [found for path in files for found in _case_files(path)]
    for path in paths:
        if len(paths) > 1:
            print_heading(console, str(path))
        for outcome in run_cases(path, grid):
            passed += outcome.passed
            failed += not outcome.passed
            print_case(console, outcome.name, None if outcome.passed else outcome.detail)
    console.print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


def _case_files(path: Path) -> list[Path]:
    """A file as given; a folder: its YAML files that hold cases (not its territories)."""
    from gradation.errors import GradationError

    if not path.is_dir():
        return [path]
    found = [child for child in sorted(path.glob("*.yaml")) if "cases" in top_keys(child)]
    if not found:
        raise GradationError(f"{path} : aucun fichier de cas (clé « cases ») dans ce dossier", 3)
    return found
