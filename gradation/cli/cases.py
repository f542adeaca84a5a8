"""`gradation cases run`: reference cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gradation.cli.common import SUBCOMMANDS, GridsOption, grid_from, handled, stdout_console

cases_app = typer.Typer(
    subcommand_metavar=SUBCOMMANDS,
    help="Cas de référence : réponses → niveau et ressources attendus.",
    no_args_is_help=True,
)


@cases_app.command("run")
@handled
def cases_run(
    file: Annotated[Path, typer.Argument(help="Fichier de cas (YAML).", show_default=False)],
    grids: GridsOption = None,
) -> None:
    """Rejouer des cas de référence ; une ligne par cas, puis « N passed, N failed »."""
    from rich.text import Text

    from gradation.files.cases import run_cases

    grid = grid_from(grids)
    console = stdout_console()
    console.soft_wrap = True
    passed = failed = 0
    for outcome in run_cases(file, grid):
        if outcome.passed:
            passed += 1
            console.print(Text("✓ ", style="green").append(outcome.name))
        else:
            failed += 1
            console.print(Text("✗ ", style="red").append(f"{outcome.name} — {outcome.detail}"))
    console.print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)
