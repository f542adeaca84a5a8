"""`gradation import finess` and `gradation import communes`: open data into a territory."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from gradation.cli.common import (
    SUBCOMMANDS,
    DryRunOption,
    GridsOption,
    grid_from,
    handled,
    print_diff,
    print_lines,
)
from gradation.errors import GradationError

if TYPE_CHECKING:
    from gradation.core.model import Grid
    from gradation.territory.finess import ImportResult
    from gradation.territory.merge import MergeReport

import_app = typer.Typer(subcommand_metavar=SUBCOMMANDS,
    help="Importer des établissements ou des communes depuis des données ouvertes.",
    no_args_is_help=True,
)

ListOption = Optional[list[str]]


@import_app.command("finess")
@handled
def import_finess(
    file: Annotated[Path, typer.Argument(help="Extrait FINESS des établissements (CSV).",
                                         show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier de territoire à "
                                         "écrire.", show_default=False)],
    territory_id: Annotated[Optional[str], typer.Option(
        "--id", help="Identifiant du territoire créé (sans --merge).", show_default=False)] = None,
    name: Annotated[Optional[str], typer.Option(
        "--name", help="Nom du territoire créé (sans --merge).", show_default=False)] = None,
    departement: Annotated[ListOption, typer.Option(
        "--departement", help="Code du département, 2A, 9A… (répétable).",
        show_default=False)] = None,
    commune: Annotated[ListOption, typer.Option(
        "--commune", help="Code INSEE (répétable).", show_default=False)] = None,
    categorie: Annotated[ListOption, typer.Option(
        "--categorie", help="Catégorie FINESS (répétable).", show_default=False)] = None,
    merge: Annotated[Optional[Path], typer.Option(
        "--merge", help="Territoire existant à mettre à jour (ses ajouts et corrections "
        "manuels sont gardés).", show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Fusionner un extrait plus ancien que le dernier fusionné.")] = False,
    dry_run: DryRunOption = False,
    grids: GridsOption = None,
) -> None:
    """Importer les établissements utiles à l'orientation depuis FINESS."""
    from gradation.territory import finess

    grid = grid_from(grids)
    if merge is None:
        if output.exists():
            raise GradationError(f"{output} existe déjà : pour le mettre à jour, utilisez "
                                 f"--merge {output} ; sinon choisissez un autre fichier "
                                 "(--output)", 1)
        if not territory_id or not name:
            raise GradationError("--id et --name sont requis pour créer un territoire (ou "
                                 "--merge pour en mettre un à jour)")
    communes = list(commune or [])
    if merge is not None:
        if output.exists() and output.resolve() != merge.resolve():
            raise GradationError(f"{output} existe déjà et n'est pas le territoire mis à jour "
                                 f"({merge}) : rien n'a été écrit (--output {merge} pour le "
                                 "mettre à jour, ou un autre nom)", 1)
        if not departement and not communes:  # by default, the territory's own communes
            communes = _territory_communes(merge)
    result = finess.parse(file, grid, departement or [], communes, categorie or [])
    today = dt.date.today()
    diff: list[str] | None = [] if dry_run else None
    if merge is None:
        lines = _create(file, output, result, grid, today, str(territory_id), str(name), diff)
    else:
        from gradation.territory.merge import merge_finess

        lines = _merge_lines(merge_finess(merge, output, result, grid, today, force, diff),
                             output, result.extract_date)
    if diff is not None:
        return print_diff(diff)
    print_lines(lines + _report(result))


def _territory_communes(path: Path) -> list[str]:
    """The INSEE codes of a territory's communes: what a merge keeps by default (never the
    establishments of all France, nor those of a whole département unless asked)."""
    from gradation.files.yamlio import ProblemsFound, read_yaml

    try:
        data, _ = read_yaml(path, str(path))
    except ProblemsFound:
        data = None
    info = data.get("territory") if isinstance(data, dict) else None
    codes = [code for c in (info or {}).get("communes") or [] if isinstance(c, dict)
             and isinstance(code := c.get("insee"), str)]
    if not codes:
        raise GradationError(f"{path} ne liste aucune commune : précisez --departement ou "
                             "--commune pour choisir les établissements à fusionner")
    return codes


def _create(file: Path, output: Path, result: ImportResult, grid: Grid, today: dt.date,
            territory_id: str, name: str, dry_run: list[str] | None = None) -> list[str]:
    from gradation.errors import LoadError, display_path
    from gradation.files.safe import write_output
    from gradation.files.territories import check_territory_data
    from gradation.territory import finess

    ids = finess.unique_ids(result.establishments, set())
    data = finess.territory_data(territory_id, name, result, ids, today, grid)
    problems = check_territory_data(data, display_path(output), grid, today)
    if any(p.is_error for p in problems):
        raise LoadError(problems, "l'import produirait un territoire invalide ; rien n'a été "
                        "écrit", 1)
    text = finess.territory_text(data, result, file.name, today)
    if dry_run is not None:
        from gradation.territory.lines import diff

        dry_run += diff("", text, "/dev/null", str(output))
        return []
    write_output(output, text, [file])
    return [f"{len(result.establishments)} établissements importés dans {output}."]


def _report(result: ImportResult) -> list[str]:
    lines = []
    by_name = [e for e in result.establishments if e.by_name]
    if by_name:
        lines.append("CMP classés d'après leur nom (à vérifier) :")
        lines += [f"  {e.finess} {e.name} → "
                  + ("infanto-juvénile (cmpi)" if e.kind == "cmpi" else "adultes (cmp)")
                  for e in by_name]
    missing = result.without_coordinates
    if missing:
        lines.append(f"{len(missing)} établissement{'s' if len(missing) > 1 else ''} sans "
                     "coordonnées (pas de ligne de géolocalisation, ou système inconnu) :")
        lines += [f"  {e.finess} {e.name}" for e in missing[:20]]
        lines += [f"  système non reconnu : {system} ({count})"
                  for system, count in sorted(result.unknown_systems.items())]
    skipped = sum(result.skipped.values())
    plural = "s" if skipped > 1 else ""
    lines.append(f"{skipped} établissement{plural} ignoré{plural} (catégories sans type de "
                 "ressource)" + (" :" if skipped else "."))
    for (code, label), count in sorted(result.skipped.items()):
        lines.append(f"  {code} {label} : {count}")
    if result.filtered_out:
        lines.append(f"{result.filtered_out} hors des départements, communes ou catégories "
                     "demandés.")
    return lines


def _merge_lines(report: MergeReport, output: Path, date: dt.date | None,
                 source: str | None = None) -> list[str]:
    if not report.written:
        lines = [f"{output} : rien à changer, le fichier est resté tel quel."]
    else:
        origin = source or (f"Fusion dans {output} (extrait FINESS du "
                            f"{date.isoformat() if date else 'date inconnue'})")
        lines = [f"{origin} : {len(report.added)} ajoutés, {report.updated} mis à jour, "
                 f"{report.unchanged} inchangés ; les entrées saisies à la main sont gardées."]
    lines += [f"  ajouté : {added}" for added in report.added]
    for rid, changes in report.fields.items():
        lines.append(f"  {rid} : " + " ; ".join(changes))
    if report.ignored:
        lines.append(("Retirés à la main, non repris (hsds_ignore, finess_ignore) : " if source
                      else "Retirés à la main, non repris (finess_ignore) : ")
                     + ", ".join(report.ignored))
    if report.gone:
        lines.append("Absents du paquet (gardés) :" if source
                     else "Absents de l'extrait FINESS (gardés, à vérifier) :")
        lines += [f"  {rid}" + (f" ({code})" if code else "") for rid, code in report.gone]
    return lines


@import_app.command("hsds")
@handled
def import_hsds(
    folder: Annotated[Path, typer.Argument(help="Dossier d'un paquet HSDS 3.0 (JSON ou CSV) "
                                           "écrit par gradation territory export.",
                                           show_default=False)],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Fichier de territoire à créer (avec --merge : le territoire "
        "mis à jour, par défaut le même fichier).", show_default=False)] = None,
    merge: Annotated[Optional[Path], typer.Option(
        "--merge", help="Territoire existant à mettre à jour (ses ajouts et corrections "
        "manuels sont gardés).", show_default=False)] = None,
    dry_run: DryRunOption = False,
    grids: GridsOption = None,
) -> None:
    """Créer un territoire depuis un paquet Open Referral HSDS 3.0 (profil de gradation), ou
    fusionner le paquet dans un territoire existant (--merge)."""
    from gradation.territory.hsds import import_package

    grid = grid_from(grids)
    target = output if output is not None else merge
    if target is None:
        raise GradationError("--output est requis pour créer un territoire (ou --merge pour en "
                             "mettre un à jour)")
    if merge is None and target.exists():
        raise GradationError(f"{target} existe déjà : pour le mettre à jour, utilisez --merge "
                             f"{target} ; sinon choisissez un autre fichier (--output)", 1)
    if merge is not None and target.exists() and target.resolve() != merge.resolve():
        raise GradationError(f"{target} existe déjà et n'est pas le territoire mis à jour "
                             f"({merge}) : rien n'a été écrit", 1)
    if not folder.is_dir():
        raise GradationError(f"{folder} : dossier introuvable (un paquet HSDS est un dossier)")
    data = import_package(folder)
    diff: list[str] | None = [] if dry_run else None
    if merge is None:
        lines = _create_from_hsds(folder, target, data, grid, diff)
    else:
        from gradation.territory.merge_hsds import merge_hsds

        report = merge_hsds(merge, target, data, grid, dt.date.today(), diff)
        lines = _merge_lines(report, target, None,
                             f"Fusion du paquet HSDS {folder} dans {target}")
    if diff is not None:
        return print_diff(diff)
    print_lines(lines)


def _create_from_hsds(folder: Path, output: Path, data: dict[str, Any], grid: Grid,
                      dry_run: list[str] | None) -> list[str]:
    import yaml

    from gradation.errors import LoadError, display_path
    from gradation.files.safe import write_output
    from gradation.files.territories import check_territory_data
    from gradation.territory.hsds import territory_text

    text = territory_text(data, str(folder))
    problems = check_territory_data(yaml.safe_load(text), display_path(output), grid,
                                    dt.date.today())
    if any(p.is_error for p in problems):
        raise LoadError(problems, "le paquet produirait un territoire invalide ; rien n'a été "
                        "écrit", 3)
    if dry_run is not None:
        from gradation.territory.lines import diff

        dry_run += diff("", text, "/dev/null", str(output))
        return []
    write_output(output, text)
    return [f"{len(data['resources'])} ressources importées dans {output}."]


def _new_territory_diff(output: Path, territory_id: str, name: str, geography: Any, grid: Any,
                        found: list[Any]) -> list[str]:
    """The territory that --dry-run would create, built aside and shown whole (not kept)."""
    import tempfile

    from gradation.territory.lines import diff

    if output.exists():
        raise GradationError(f"{output} existe déjà : complétez-le avec --territory {output}", 1)
    with tempfile.TemporaryDirectory() as folder:
        created = _new_territory(Path(folder) / output.name, territory_id, name, geography)
        _add_communes(created, grid, found)
        text = created.read_text(encoding="utf-8")
    return diff("", text, "/dev/null", str(output))


@import_app.command("communes")
@handled
def import_communes(
    file: Annotated[Path, typer.Argument(help="Fichier des communes du COG de l'INSEE "
                                         "(v_commune_AAAA.csv).", show_default=False)],
    departement: Annotated[ListOption, typer.Option(
        "--departement", help="Les communes de ce département (répétable).",
        show_default=False)] = None,
    commune: Annotated[ListOption, typer.Option(
        "--commune", help="Cette commune, par son code INSEE (répétable).",
        show_default=False)] = None,
    postes: Annotated[Optional[Path], typer.Option(
        "--postes", help="Base officielle des codes postaux de La Poste (CSV), pour les codes "
        "postaux.", show_default=False)] = None,
    territory: Annotated[Optional[Path], typer.Option(
        "--territory", "-t", help="Territoire à compléter (sinon, --id, --name et --output en "
        "créent un).", show_default=False)] = None,
    territory_id: Annotated[Optional[str], typer.Option("--id", show_default=False,
                                                        help="Identifiant du territoire créé.")
                            ] = None,
    name: Annotated[Optional[str], typer.Option("--name", show_default=False,
                                                help="Nom du territoire créé.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", show_default=False,
                                                   help="Fichier du territoire créé.")] = None,
    dry_run: DryRunOption = False,
    grids: GridsOption = None,
) -> None:
    """Remplir les communes d'un territoire depuis la géographie officielle (COG, La Poste)."""
    from gradation.files.geography import add_postcodes, read_cog

    _check_communes_options(bool(departement or commune), territory is not None,
                            bool(territory_id and name and output))
    grid = grid_from(grids)
    found = read_cog(file, departement or [], commune or [])
    if postes is not None:
        add_postcodes(postes, found)
    if territory is None:
        assert output is not None
        source = os.path.relpath(file.resolve(), output.resolve().parent)
        geography = (source, sorted({c.departement for c in found})) if departement else None
        if dry_run:  # the new file is built aside, shown whole, and not kept
            return print_diff(_new_territory_diff(output, str(territory_id), str(name),
                                                  geography, grid, found))
        territory = created = _new_territory(output, str(territory_id), str(name), geography)
    else:
        created = None
    changes: list[str] | None = [] if dry_run else None
    try:
        added = _add_communes(territory, grid, found, changes)
    except BaseException:
        if created is not None:  # a refused creation leaves no file behind
            created.unlink(missing_ok=True)
        raise
    if changes is not None:
        return print_diff(changes)
    kept = len(found) - len(added)
    n, s_n, s_kept = len(added), "s" if len(added) > 1 else "", "s" if kept > 1 else ""
    print_lines([f"{n} commune{s_n} ajoutée{s_n} à {territory} ; {kept} déjà présente{s_kept}."])


def _check_communes_options(filtered: bool, completing: bool, creating: bool) -> None:
    if not filtered:
        raise GradationError("précisez --departement ou --commune (sinon toute la France "
                             "serait importée)")
    if not completing and not creating:
        raise GradationError("--territory FICHIER pour compléter un territoire, ou --id, --name "
                             "et --output pour en créer un")


def _add_communes(path: Path, grid: Grid, found: list[Any],
                  dry_run: list[str] | None = None) -> list[str]:
    from gradation.territory import directory

    details = {c.insee: {"postcodes": c.postcodes, "aliases": c.aliases} for c in found}
    _, added = directory.update(path, grid, lambda editor: editor.add_communes(
        [(c.insee, c.name) for c in found], details), dry_run=dry_run)
    return list(added)


def _new_territory(output: Path, territory_id: str, name: str,
                   geography: tuple[str, list[str]] | None) -> Path:
    import re

    from gradation.files.safe import write_output
    from gradation.territory.coverage import init_text

    if output.exists():
        raise GradationError(f"{output} existe déjà : complétez-le avec --territory {output}", 1)
    if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", territory_id):
        raise GradationError("identifiant invalide : minuscules, chiffres et tirets")
    write_output(output, init_text(territory_id, name, [], dt.date.today(), geography))
    return output
