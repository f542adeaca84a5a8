"""`gradation import finess`: establishments from FINESS open data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from gradation.cli.common import GridsOption, grid_from, handled, print_lines
from gradation.errors import GradationError

if TYPE_CHECKING:
    from gradation.territory.merge import MergeReport

import_app = typer.Typer(
    help="Importer des établissements depuis des données ouvertes.", no_args_is_help=True
)


@import_app.command("finess")
@handled
def import_finess(
    file: Annotated[
        Path, typer.Argument(help="Extrait FINESS des établissements (CSV).", show_default=False)
    ],
    territory_id: Annotated[
        str, typer.Option("--id", help="Identifiant du territoire créé.", show_default=False)
    ],
    name: Annotated[str, typer.Option("--name", help="Nom du territoire.", show_default=False)],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Fichier de territoire à écrire.", show_default=False),
    ],
    departement: Annotated[
        Optional[list[str]],
        typer.Option("--departement", help="Code du département (répétable).", show_default=False),
    ] = None,
    commune: Annotated[
        Optional[list[str]],
        typer.Option("--commune", help="Code INSEE (répétable).", show_default=False),
    ] = None,
    categorie: Annotated[
        Optional[list[str]],
        typer.Option("--categorie", help="Catégorie FINESS (répétable).", show_default=False),
    ] = None,
    merge: Annotated[
        Optional[Path],
        typer.Option(
            "--merge",
            help="Territoire existant à mettre à jour (ses ajouts manuels sont gardés).",
            show_default=False,
        ),
    ] = None,
    grids: GridsOption = None,
) -> None:
    """Importer les établissements utiles à l'orientation depuis FINESS."""
    from gradation.errors import display_path
    from gradation.files.safe import write_output
    from gradation.files.territories import check_territory_data
    from gradation.territory import finess

    grid = grid_from(grids)
    if merge is None and output.exists():
        raise GradationError(f"{output} existe déjà : pour le mettre à jour, utilisez --merge "
                             f"{output} ; sinon choisissez un autre fichier (--output)", 1)
    result = finess.parse(file, grid, departement or [], commune or [], categorie or [])
    today = dt.date.today()
    lines: list[str] = []
    if merge is None:
        ids = finess.unique_ids(result.establishments, set())
        data = finess.territory_data(territory_id, name, result, ids, today)
        problems = check_territory_data(data, display_path(output), grid, today)
        if any(p.is_error for p in problems):
            from gradation.errors import LoadError

            raise LoadError(
                problems, "l'import produirait un territoire invalide ; rien n'a été écrit", 1
            )
        write_output(output, finess.territory_text(data, result, file.name, today), [file])
        lines.append(f"{len(result.establishments)} établissements importés dans {output}.")
    else:
        from gradation.territory.merge import merge_finess

        lines += _merge_lines(merge_finess(merge, output, result, grid, today), output)
    by_name = [e for e in result.establishments if e.by_name]
    if by_name:
        lines.append("CMP classés d'après leur nom (à vérifier) :")
        lines += [
            f"  {e.finess} {e.name} → "
            + ("infanto-juvénile (cmpi)" if e.kind == "cmpi" else "adultes (cmp)")
            for e in by_name
        ]
    skipped = sum(result.skipped.values())
    lines.append(
        f"{skipped} établissement{'s' if skipped > 1 else ''} ignoré{'s' if skipped > 1 else ''} "
        "(catégories sans type de ressource)" + (" :" if skipped else ".")
    )
    for (code, label), count in sorted(result.skipped.items()):
        lines.append(f"  {code} {label} : {count}")
    if result.filtered_out:
        lines.append(
            f"{result.filtered_out} hors des départements, communes ou catégories demandés."
        )
    print_lines(lines)


def _merge_lines(report: MergeReport, output: Path) -> list[str]:
    lines = [
        f"Fusion dans {output} : {report.added} ajoutés, {report.updated} mis à jour, "
        f"{report.unchanged} inchangés ; les entrées saisies à la main sont gardées."
    ]
    if report.gone:
        lines.append("Absents de l'extrait FINESS (gardés, à vérifier) :")
        lines += [f"  {rid} ({code})" for rid, code in report.gone]
    return lines
