"""`gradation territory …`: create, choose, coverage, stale entries."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from gradation.cli.common import (
    SUBCOMMANDS,
    DryRunOption,
    ForceOption,
    GridsOption,
    OutputOption,
    emit,
    grid_from,
    grids_root,
    handled,
    print_diff,
    print_lines,
    refuse_existing,
    stdout_console,
)
from gradation.errors import GradationError

territory_app = typer.Typer(
    subcommand_metavar=SUBCOMMANDS,
    help="Territoires : créer, choisir, couverture, fiches à vérifier.",
    no_args_is_help=True,
)


@territory_app.command("init")
@handled
def territory_init(
    territory_id: Annotated[
        str, typer.Argument(metavar="ID", help="Identifiant du territoire.", show_default=False)
    ],
    name: Annotated[str, typer.Option("--name", help="Nom du territoire.", show_default=False)],
    commune: Annotated[
        Optional[list[str]],
        typer.Option("--commune", help="INSEE:Nom (répétable).", show_default=False),
    ] = None,
    output: Annotated[
        Optional[Path],
        typer.Option(
            "--output", "-o", help="Fichier à créer (par défaut ID.yaml).", show_default=False
        ),
    ] = None,
    dry_run: DryRunOption = False,
) -> None:
    """Créer un fichier de territoire commenté."""
    import re

    from gradation.core.answers import INSEE
    from gradation.core.text import text_problem, visible
    from gradation.files.atomic import write_atomic
    from gradation.territory.coverage import init_text

    for label, text in (("--name", name), *(("--commune", c) for c in commune or [])):
        problem = text_problem(text)
        if problem:
            raise GradationError(f"{label} « {visible(text)} » : {problem}")
    if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", territory_id):
        raise GradationError(
            "identifiant invalide : minuscules, chiffres et tirets (ex. cpts-du-val)"
        )
    communes = []
    for item in commune or []:
        insee, sep, label = item.partition(":")
        if not sep or not INSEE.match(insee.strip()) or not label.strip():
            raise GradationError(
                f"--commune attend INSEE:Nom (ex. 31555:Toulouse), reçu « {item} »"
            )
        communes.append((insee.strip(), label.strip()))
    target = output or Path(f"{territory_id}.yaml")
    if target.exists():
        raise GradationError(f"{target} existe déjà : choisissez un autre fichier (--output)", 1)
    text = init_text(territory_id, name, communes, dt.date.today())
    if dry_run:
        from gradation.territory.lines import diff

        return print_diff(diff("", text, "/dev/null", str(target)))
    write_atomic(target, text)
    print_lines(
        [
            f"Territoire créé : {target}",
            f"Ajoutez des ressources : gradation resources add --territory {target} …",
            f"Utilisez-le par défaut : gradation territory use {target}",
        ]
    )


@territory_app.command("use")
@handled
def territory_use(
    value: Annotated[str, typer.Argument(metavar="ID|CHEMIN", show_default=False)],
    grids: GridsOption = None,
) -> None:
    """Choisir le territoire par défaut (GRADATION_TERRITORY l'emporte)."""
    from gradation.errors import LoadError
    from gradation.files.config import (
        Config,
        config_file,
        read_config,
        with_changes,
        write_config,
    )
    from gradation.files.locate import resolve_territory
    from gradation.files.territories import load_territory

    root = grids_root(grids)
    path = resolve_territory(value, root)
    territory = load_territory(path, grid_from(grids))
    stored = (
        value if value == path.stem and path.parent == root / "territories" else str(path.resolve())
    )
    try:
        current = read_config()
    except LoadError:  # a configuration that does not load is replaced by this choice
        current = Config()
    write_config(with_changes(current, territory=stored))  # the GP's identity kept
    config = config_file()
    print_lines(
        [f"Territoire par défaut : {territory.name} ({stored})", f"Configuration : {config}"]
    )


# The territory a report reads: its id (a shipped one) or its path, else the configured one.
TerritoryIdOption = Annotated[
    Optional[str], typer.Option("--territory", "-t", help="ID ou chemin.", show_default=False)]


def _loaded(territory: str | None, grids: Path | None) -> tuple[Any, Any]:
    """The grid and the territory of a report (resolved as everywhere)."""
    from gradation.files.locate import resolve_territory
    from gradation.files.territories import load_territory

    grid = grid_from(grids)
    return grid, load_territory(resolve_territory(territory, grid.root), grid)


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    csv = "csv"


class AccessFormat(StrEnum):
    markdown = "markdown"
    html = "html"
    csv = "csv"


@territory_app.command("coverage")
@handled
def territory_coverage(
    territory: TerritoryIdOption = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Couverture du territoire : ressources par situation et niveau, et lacunes par commune."""
    from gradation.present.coverage_view import coverage_markdown, print_coverage
    from gradation.territory.coverage import coverage, coverage_records, coverage_table

    grid, terr = _loaded(territory, grids)
    if output_format == ReportFormat.csv:  # for a French Excel: « ; », BOM, formula-safe
        from gradation.files.records import excel_csv
        from gradation.files.safe import write_output

        if output is not None and str(output) != "-" and not force:
            refuse_existing(output)
        records = coverage_records(terr, grid, coverage(terr, grid))
        write_output(output or Path("-"), excel_csv(records), [terr.path])
    elif output_format == ReportFormat.markdown:
        emit(coverage_markdown(coverage_table(terr, grid)), output, force)
    else:
        print_coverage(coverage_table(terr, grid), stdout_console())


@territory_app.command("stale")
@handled
def territory_stale(
    territory: Annotated[
        Optional[str], typer.Option("--territory", "-t", show_default=False)
    ] = None,
    older_than: Annotated[
        Optional[str], typer.Option("--older-than", help="Durée : 12m, 1a, 6s, 90j (par "
                                    "défaut : le seuil de la grille, celui des avertissements "
                                    "d'orient).", show_default=False)
    ] = None,
    grids: GridsOption = None,
) -> None:
    """Fiches jamais vérifiées, ou vérifiées il y a trop longtemps."""
    from gradation.territory.coverage import parse_duration, stale

    grid, terr = _loaded(territory, grids)
    days = (grid.model.matching.stale_days if older_than is None
            else parse_duration(older_than, dt.date.today()))
    found = stale(terr, days, dt.date.today())
    lines = []
    for res, age in found:
        when = "jamais vérifiée"
        if age is not None and res.verified_on is not None:
            when = f"vérifiée le {res.verified_on.strftime('%d/%m/%Y')} (il y a {age} jours)"
        lines.append(f"{res.id} — {res.name} : {when}")
    lines.append(
        f"{len(found)} fiche{'s' if len(found) > 1 else ''} à vérifier (seuil : {days} jours)."
    )
    print_lines(lines)


@territory_app.command("publish")
@handled
def territory_publish(
    territory: TerritoryIdOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    per_page: Annotated[bool, typer.Option(
        "--par-situation", help="À l'impression, une situation par page.")] = False,
    grids: GridsOption = None,
) -> None:
    """L'annuaire du territoire en une page HTML autonome (hors connexion), pour les médecins
    de la CPTS : numéros d'urgence, recours gradué, fiches, recherche par nom, commune, type et
    âge (l'adresse de la page garde la recherche : #commune=99001&age=16)."""
    from gradation.cli.common import emit
    from gradation.present.directory_page import publish_html
    from gradation.territory.coverage import gradation_table

    grid, terr = _loaded(territory, grids)
    emit(publish_html(grid, terr, gradation_table(terr, grid), dt.date.today(), per_page),
         output, force)


@territory_app.command("report")
@handled
def territory_report(
    territory: TerritoryIdOption = None,
    output_format: Annotated[AccessFormat, typer.Option("--format", "-f")
                             ] = AccessFormat.markdown,
    output: OutputOption = None,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Le rapport d'accès aux soins pour le projet territorial de santé mentale (PTSM) :
    ressources par situation, niveau et commune ; où un avis rapide ne trouve personne à temps ;
    délais médians ; délais anciens ; fiches à vérifier ; types absents."""
    from gradation.cli.common import emit
    from gradation.present.report_page import report_blocks, report_rows
    from gradation.territory.report import access_report

    grid, terr = _loaded(territory, grids)
    report = access_report(terr, grid, dt.date.today())
    if output_format == AccessFormat.csv:  # for a French Excel: « ; », BOM, formula-safe
        from gradation.files.records import excel_csv
        from gradation.files.safe import write_output

        if output is not None and str(output) != "-" and not force:
            refuse_existing(output)
        write_output(output or Path("-"), excel_csv(report_rows(report)), [terr.path])
        return
    from gradation.present.documents import blocks_html, blocks_markdown

    blocks = report_blocks(report)
    text = (blocks_html(blocks, f"Accès aux soins — {terr.name}")
            if output_format == AccessFormat.html else blocks_markdown(blocks))
    emit(text, output, force)


class ExportFormat(StrEnum):
    hsds = "hsds"


@territory_app.command("export")
@handled
def territory_export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Dossier du paquet HSDS à "
                                         "écrire.", show_default=False)],
    territory: TerritoryIdOption = None,
    export_format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.hsds,
    tables: Annotated[bool, typer.Option(
        "--csv", help="Le paquet en tables CSV (forme tabulaire de HSDS), au lieu de JSON.")
    ] = False,
    force: ForceOption = False,
    grids: GridsOption = None,
) -> None:
    """Le territoire en paquet Open Referral HSDS 3.0 (JSON, ou CSV avec --csv) : services,
    organisations (numéro FINESS), et le profil français de gradation (type, situations,
    délais…)."""
    import json

    from gradation.files.safe import write_output
    from gradation.territory.hsds import export_package, export_tables

    grid, terr = _loaded(territory, grids)
    if output.exists() and not output.is_dir():
        raise GradationError(f"{output} n'est pas un dossier : donnez un dossier (-o DOSSIER)")
    files = export_tables(terr) if tables else export_package(terr)
    if not force:
        for name in files:
            refuse_existing(output / name)
    output.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(
            content, ensure_ascii=False, indent=2) + "\n"
        write_output(output / name, text, [terr.path])
    print_lines([f"Paquet HSDS 3.0 {'CSV' if tables else 'JSON'} écrit dans {output} "
                 f"({len(terr.resources)} services, {len(files)} fichiers)."])
