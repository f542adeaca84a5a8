"""Coordinator commands: grid validate/check/schema/export, resources, territory."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from gradation.cli import GridsOption, _grid, _stdout, handled
from gradation.errors import GradationError, Problem, count_text

grid_app = typer.Typer(help="Grilles : valider, prouver, exporter, schéma.", no_args_is_help=True)
resources_app = typer.Typer(help="Ressources d'un fichier de territoire : lister, voir, ajouter, "
                            "modifier, retirer.", no_args_is_help=True)
territory_app = typer.Typer(help="Territoires : créer, choisir, couverture, fiches à vérifier.",
                            no_args_is_help=True)


def _print_lines(lines: list[str]) -> None:
    from rich.text import Text

    console = _stdout()
    console.soft_wrap = True
    for line in lines:
        console.print(Text(line))


# --- grid ---------------------------------------------------------------------------------------


def _grids_root(grids: Path | None) -> Path:
    from gradation.files.locate import default_grids_dir

    return grids or default_grids_dir()


def _classify(path: Path) -> str:
    """What kind of file this is, from its top-level keys (read as text: parsed only once,
    by the check that follows)."""
    import re

    if path.is_dir():
        return "grid" if (path / "model.yaml").is_file() else "unknown-dir"
    if path.name in ("model.yaml", "common.yaml"):
        return "grid-file"
    try:
        head = path.read_bytes()[:65536].decode("utf-8", "replace")
    except OSError:
        return "territory"  # reported as unreadable by the territory check
    if re.search(r"^territory\s*:", head, re.MULTILINE):
        return "territory"
    if re.search(r"^(rules|levels)\s*:", head, re.MULTILINE):
        return "situation"
    return "territory"


@grid_app.command("validate")
@handled
def grid_validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Fichiers de territoire, fichiers ou dossiers de grilles (par défaut : les grilles "
             "utilisées et le territoire configuré).", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Les avertissements font échouer.")] = False,
    grids: GridsOption = None,
) -> None:
    """Valider des fichiers : chaque problème avec fichier:ligne:colonne et une correction."""
    from gradation.files.grids import check_grid_files
    from gradation.files.locate import resolve_territory
    from gradation.files.territories import check_territory_file

    root = _grids_root(grids)
    problems: list[Problem] = []
    checked = 0
    grid, grid_problems = check_grid_files(root)
    targets = list(paths or [])
    if not targets:
        problems += grid_problems
        checked += 1
        targets = [resolve_territory(None, root)]
    for path in targets:
        kind = _classify(path)
        checked += 1
        if kind == "grid":
            problems += check_grid_files(path)[1]
        elif kind == "grid-file":
            problems += check_grid_files(path.parent)[1]
        elif kind == "situation":
            problems += check_grid_files(root, extra=[path])[1]
        elif kind == "unknown-dir":
            problems.append(Problem(str(path), 0, 0, "dossier sans model.yaml : ce n'est pas "
                                    "un dossier de grilles"))
        elif grid is None:
            problems += grid_problems
        else:
            problems += check_territory_file(path, grid)[1]
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    lines = [str(p) for p in problems]
    plural = "s" if checked > 1 else ""
    files = f"{checked} fichier{plural} ou dossier{plural}"
    lines.append(f"{count_text(errors, warnings)} ({files} vérifié{plural})." if problems
                 else f"Aucun problème ({files} vérifié{plural}).")
    _print_lines(lines)
    if errors or (strict and warnings):
        raise typer.Exit(1)


@grid_app.command("check")
@handled
def grid_check(
    directory: Annotated[Optional[Path], typer.Argument(
        help="Dossier de grilles (par défaut : les grilles utilisées).", show_default=False)] = None,
    grids: GridsOption = None,
) -> None:
    """Prouver la logique des grilles sur tout l'espace des réponses.

    Chaque parcours mène à un niveau qui a des ressources ; chaque drapeau rouge mène à
    l'urgence ; une réponse plus sévère n'abaisse jamais le niveau ; chaque question est posée
    et chaque règle décide au moins une fois. Chaque échec vient avec un jeu de réponses.
    """
    from gradation.core.proofs import check_grid
    from gradation.files.grids import load_grid

    grid = load_grid(directory or _grids_root(grids))
    findings = check_grid(grid)
    lines = []
    for f in findings:
        lines.append(f"✗ {f.situation} [{f.check}] {f.message}")
        if f.answers:
            shown = ", ".join(f"{k}={_show(v)}" for k, v in f.answers.items())
            lines.append(f"    contre-exemple : {shown}")
    count = len(grid.situations)
    lines.append(f"{len(findings)} problème{'s' if len(findings) > 1 else ''} dans {count} "
                 "situations." if findings else
                 f"✓ {count} situations prouvées : niveaux pourvus, drapeaux rouges, monotonie, "
                 "questions et règles utiles.")
    _print_lines(lines)
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
def grid_schema() -> None:
    """Afficher le schéma JSON des fichiers de territoire (pour l'éditeur)."""
    from gradation.core.schema import TerritoryFile

    schema = TerritoryFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Territoire gradation"
    typer.echo(json.dumps(schema, ensure_ascii=False, indent=2))


@grid_app.command("export")
@handled
def grid_export(
    directory: Annotated[Path, typer.Argument(help="Dossier à créer.", show_default=False)],
    grids: GridsOption = None,
) -> None:
    """Copier les grilles utilisées comme point de départ d'une grille adaptée."""
    if directory.exists() and any(directory.iterdir()):
        raise GradationError(f"{directory} existe et n'est pas vide : choisissez un dossier neuf", 1)
    shutil.copytree(_grids_root(grids), directory, dirs_exist_ok=True)
    _print_lines([f"Grilles copiées dans {directory}.",
                  f"Utilisez-les avec --grids {directory} ou GRADATION_GRIDS={directory} ; "
                  f"vérifiez-les avec gradation grid check {directory}."])


# --- resources ----------------------------------------------------------------------------------

TerritoryFileOption = Annotated[Optional[Path], typer.Option(
    "--territory", "-t", help="Fichier de territoire (par défaut : le territoire configuré).",
    show_default=False)]


def _territory_path(path: Path | None, grids: Path | None) -> Path:
    from gradation.files.locate import resolve_territory

    return path or resolve_territory(None, _grids_root(grids))


def _load(path: Path | None, grids: Path | None):  # type: ignore[no-untyped-def]
    from gradation.files.territories import load_territory

    grid = _grid(grids)
    return grid, load_territory(_territory_path(path, grids), grid)


@resources_app.command("list")
@handled
def resources_list(
    territory: TerritoryFileOption = None,
    kind: Annotated[Optional[str], typer.Option(help="Seulement ce type.", show_default=False)] = None,
    situation: Annotated[Optional[str], typer.Option(help="Seulement les ressources placées "
                         "dans cette situation.", show_default=False)] = None,
    commune: Annotated[Optional[str], typer.Option(help="Seulement celles qui desservent cette "
                       "commune (code INSEE).", show_default=False)] = None,
    grids: GridsOption = None,
) -> None:
    """Lister les ressources (filtres : type, situation, commune)."""
    from rich.table import Table

    from gradation.present.terminal import plain
    from gradation.territory.coverage import LEVEL_COLUMNS, placed

    grid, terr = _load(territory, grids)
    chosen = list(terr.resources)
    if kind:
        chosen = [r for r in chosen if r.kind == kind]
    if situation:
        sit = grid.situation(situation)
        ids = {r.id for lv in LEVEL_COLUMNS for r in placed(terr, grid, sit, lv)
               if lv == "urgence" or int(lv) in sit.spec.levels}
        chosen = [r for r in chosen if r.id in ids]
    if commune:
        chosen = [r for r in chosen if r.serves is None or commune in r.serves]
    table = Table(title=f"{terr.name} — {len(chosen)} ressource{'s' if len(chosen) > 1 else ''}")
    for column in ("id", "nom", "type", "secteur", "âges", "délai"):
        table.add_column(column)
    for r in chosen:
        ages = "" if r.age is None else f"{r.age.min if r.age.min is not None else 0}–" + (
            f"{r.age.max}" if r.age.max is not None else "")
        table.add_row(plain(r.id), plain(r.name), plain(r.kind), plain(", ".join(r.serves or [])),
                      ages, "" if r.wait_weeks is None else f"{r.wait_weeks} sem.")
    _stdout().print(table)


@resources_app.command("show")
@handled
def resources_show(
    resource_id: Annotated[str, typer.Argument(metavar="ID", show_default=False)],
    territory: TerritoryFileOption = None,
    grids: GridsOption = None,
) -> None:
    """Montrer une ressource, champ par champ."""
    from gradation.core.suggest import suggest

    _, terr = _load(territory, grids)
    found = next((r for r in terr.resources if r.id == resource_id), None)
    if found is None:
        raise GradationError(f"ressource « {resource_id} » introuvable"
                             f"{suggest(resource_id, [r.id for r in terr.resources])}")
    data = found.model_dump(mode="json", exclude_none=True)
    _print_lines([f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()])


def _split(text: str | None) -> list[str] | None:
    return None if text is None else [p.strip() for p in text.split(",") if p.strip()]


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    if text == "today" or text == "aujourdhui":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise GradationError(f"date invalide : « {text} » (AAAA-MM-JJ ou « today »)") from None


def _fields(**raw: Any) -> dict[str, Any]:
    age = {k: v for k, v in (("min", raw.pop("age_min")), ("max", raw.pop("age_max")))
           if v is not None}
    fields = {
        **raw,
        "serves": _split(raw["serves"]),
        "situations": _split(raw["situations"]),
        "access": _split(raw["access"]),
        "languages": _split(raw["languages"]),
        "verified_on": _date(raw["verified_on"]),
    }
    if age:
        fields["age"] = age
    return fields


def _opt(flag: str, help: str | None = None):  # type: ignore[no-untyped-def]
    return typer.Option(flag, help=help, show_default=False)


# One declaration per field, shared by `add` and `edit`.
OptStr = Optional[str]
NameO = Annotated[OptStr, _opt("--name", "Nom affiché.")]
KindO = Annotated[OptStr, _opt("--kind", "Type (catalogue de la grille).")]
ServesO = Annotated[OptStr, _opt("--serves", "Communes du secteur : 99001,99002.")]
AgeMinO = Annotated[Optional[int], _opt("--age-min")]
AgeMaxO = Annotated[Optional[int], _opt("--age-max")]
SituationsO = Annotated[OptStr, _opt("--situations", "Situations : a,b.")]
LevelO = Annotated[Optional[int], _opt("--level", "Niveau imposé (avec --situations).")]
PhoneO = Annotated[OptStr, _opt("--phone")]
EmailO = Annotated[OptStr, _opt("--email")]
WebsiteO = Annotated[OptStr, _opt("--website")]
AddressO = Annotated[OptStr, _opt("--address")]
HoursO = Annotated[OptStr, _opt("--hours")]
AccessO = Annotated[OptStr, _opt("--access", "rendez-vous,sans-rendez-vous,…")]
WalkInO = Annotated[OptStr, _opt("--walk-in")]
ReferralO = Annotated[Optional[bool], _opt("--referral-required/--no-referral-required")]
CostO = Annotated[OptStr, _opt("--cost")]
WaitO = Annotated[Optional[int], _opt("--wait-weeks")]
LanguagesO = Annotated[OptStr, _opt("--languages", "fr,en,…")]
FinessO = Annotated[OptStr, _opt("--finess")]
LatO = Annotated[Optional[float], _opt("--lat")]
LonO = Annotated[Optional[float], _opt("--lon")]
VerifiedO = Annotated[OptStr, _opt("--verified-on", "AAAA-MM-JJ ou today.")]
NotesO = Annotated[OptStr, _opt("--notes")]
FIELD_PARAMS = ("id", "name", "kind", "serves", "age_min", "age_max", "situations", "level",
                "phone", "email", "website", "address", "hours", "access", "walk_in",
                "referral_required", "cost", "wait_weeks", "languages", "finess", "lat", "lon",
                "verified_on", "notes")


def _given(params: dict[str, Any]) -> dict[str, Any]:
    return _fields(**{k: params.get(k) for k in FIELD_PARAMS})


@resources_app.command("add")
@handled
def resources_add(
    territory: TerritoryFileOption = None,
    id: Annotated[OptStr, _opt("--id", "Identifiant (minuscules, chiffres, tirets).")] = None,
    name: NameO = None, kind: KindO = None, serves: ServesO = None, age_min: AgeMinO = None,
    age_max: AgeMaxO = None, situations: SituationsO = None, level: LevelO = None,
    phone: PhoneO = None, email: EmailO = None, website: WebsiteO = None,
    address: AddressO = None, hours: HoursO = None, access: AccessO = None,
    walk_in: WalkInO = None, referral_required: ReferralO = None, cost: CostO = None,
    wait_weeks: WaitO = None, languages: LanguagesO = None, finess: FinessO = None,
    lat: LatO = None, lon: LonO = None, verified_on: VerifiedO = None, notes: NotesO = None,
    grids: GridsOption = None,
) -> None:
    """Ajouter une ressource ; dans un terminal, demande ce qui manque."""
    import sys

    from gradation.territory import directory

    fields = _given(locals())
    grid = _grid(grids)
    path = _territory_path(territory, grids)
    missing = [k for k in ("id", "name", "kind") if not fields.get(k)]
    if missing and sys.stdin.isatty():
        from gradation.consult.prompts import ask_resource_fields

        fields.update(ask_resource_fields(grid, missing))
        missing = [k for k in ("id", "name", "kind") if not fields.get(k)]
    if missing:
        raise GradationError("champs obligatoires manquants : "
                             + ", ".join(f"--{k}" for k in missing))
    doc = directory.load(path)
    directory.add(doc, fields)
    directory.save(path, doc, grid)
    _print_lines([f"Ressource « {fields['id']} » ajoutée à {path}."])


@resources_app.command("edit")
@handled
def resources_edit(
    resource_id: Annotated[str, typer.Argument(metavar="ID", show_default=False)],
    territory: TerritoryFileOption = None,
    name: NameO = None, kind: KindO = None, serves: ServesO = None, age_min: AgeMinO = None,
    age_max: AgeMaxO = None, situations: SituationsO = None, level: LevelO = None,
    phone: PhoneO = None, email: EmailO = None, website: WebsiteO = None,
    address: AddressO = None, hours: HoursO = None, access: AccessO = None,
    walk_in: WalkInO = None, referral_required: ReferralO = None, cost: CostO = None,
    wait_weeks: WaitO = None, languages: LanguagesO = None, finess: FinessO = None,
    lat: LatO = None, lon: LonO = None, verified_on: VerifiedO = None, notes: NotesO = None,
    unset: Annotated[Optional[list[str]], _opt("--unset", "Retirer ce champ (répétable).")] = None,
    grids: GridsOption = None,
) -> None:
    """Modifier une ressource (seuls les champs donnés changent) ; commentaires conservés."""
    from gradation.territory import directory

    fields = {k: v for k, v in _given(locals()).items() if k != "id"}
    grid = _grid(grids)
    path = _territory_path(territory, grids)
    doc = directory.load(path)
    directory.edit(doc, resource_id, fields, unset or [])
    directory.save(path, doc, grid)
    _print_lines([f"Ressource « {resource_id} » modifiée dans {path}."])


@resources_app.command("remove")
@handled
def resources_remove(
    resource_id: Annotated[str, typer.Argument(metavar="ID", show_default=False)],
    territory: TerritoryFileOption = None,
    grids: GridsOption = None,
) -> None:
    """Retirer une ressource."""
    from gradation.territory import directory

    grid = _grid(grids)
    path = _territory_path(territory, grids)
    doc = directory.load(path)
    directory.remove(doc, resource_id)
    directory.save(path, doc, grid)
    _print_lines([f"Ressource « {resource_id} » retirée de {path}."])


# --- territory ----------------------------------------------------------------------------------


@territory_app.command("init")
@handled
def territory_init(
    territory_id: Annotated[str, typer.Argument(metavar="ID", help="Identifiant du territoire.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Nom du territoire.", show_default=False)],
    commune: Annotated[Optional[list[str]], typer.Option("--commune", help="INSEE:Nom (répétable).", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Fichier à créer (par défaut ID.yaml).", show_default=False)] = None,
) -> None:
    """Créer un fichier de territoire commenté."""
    import re

    from gradation.core.answers import INSEE
    from gradation.files.atomic import write_atomic
    from gradation.territory.coverage import init_text

    if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", territory_id):
        raise GradationError("identifiant invalide : minuscules, chiffres et tirets (ex. cpts-du-val)")
    communes = []
    for item in commune or []:
        insee, sep, label = item.partition(":")
        if not sep or not INSEE.match(insee.strip()) or not label.strip():
            raise GradationError(f"--commune attend INSEE:Nom (ex. 31555:Toulouse), reçu « {item} »")
        communes.append((insee.strip(), label.strip()))
    target = output or Path(f"{territory_id}.yaml")
    if target.exists():
        raise GradationError(f"{target} existe déjà : choisissez un autre fichier (--output)", 1)
    write_atomic(target, init_text(territory_id, name, communes, dt.date.today()))
    _print_lines([f"Territoire créé : {target}",
                  f"Ajoutez des ressources : gradation resources add --territory {target} …",
                  f"Utilisez-le par défaut : gradation territory use {target}"])


@territory_app.command("use")
@handled
def territory_use(
    value: Annotated[str, typer.Argument(metavar="ID|CHEMIN", show_default=False)],
    grids: GridsOption = None,
) -> None:
    """Choisir le territoire par défaut (GRADATION_TERRITORY l'emporte)."""
    from gradation.files.atomic import write_atomic
    from gradation.files.locate import config_file, resolve_territory
    from gradation.files.territories import load_territory

    root = _grids_root(grids)
    path = resolve_territory(value, root)
    territory = load_territory(path, _grid(grids))
    stored = value if value == path.stem and path.parent == root / "territories" else str(
        path.resolve())
    config = config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(config, "# Configuration de gradation\nterritory: " + json.dumps(stored, ensure_ascii=False) + "\n")
    _print_lines([f"Territoire par défaut : {territory.name} ({stored})", f"Configuration : {config}"])


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    csv = "csv"


@territory_app.command("coverage")
@handled
def territory_coverage(
    territory: Annotated[Optional[str], typer.Option("--territory", "-t", help="ID ou chemin.", show_default=False)] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    grids: GridsOption = None,
) -> None:
    """Couverture du territoire : ressources par situation et niveau, et lacunes par commune."""
    from gradation.files.locate import resolve_territory
    from gradation.files.territories import load_territory
    from gradation.territory.coverage import LEVEL_COLUMNS, coverage

    grid = _grid(grids)
    terr = load_territory(resolve_territory(territory, grid.root), grid)
    cov = coverage(terr, grid)
    rows = []
    for situation in grid.situations.values():
        rows.append([situation.id] + [str(cov.counts[(situation.id, lv)])
                                      if (situation.id, lv) in cov.counts else "—"
                                      for lv in LEVEL_COLUMNS])
    header = ["situation", "niveau 1", "niveau 2", "niveau 3", "urgence"]
    gaps = [(c.insee, c.name, cov.gaps(c.insee)) for c in terr.data.territory.communes]
    if output_format == ReportFormat.csv:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["commune", "nom", "situation", "niveau", "ressources"])
        for insee, name, _ in gaps:
            for (sid, lv), count in cov.by_commune[insee].items():
                writer.writerow([insee, name, sid, lv, count])
        typer.echo(buffer.getvalue(), nl=False)
        return
    if output_format == ReportFormat.markdown:
        lines = [f"# Couverture du territoire « {terr.name} »", "",
                 "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        lines += ["", "## Lacunes par commune", ""]
        for insee, name, missing in gaps:
            text = ", ".join(f"{s} niveau {lv}" for s, lv in missing) or "aucune"
            lines.append(f"- **{name}** ({insee}) : {text}")
        typer.echo("\n".join(lines))
        return
    from rich.table import Table
    from rich.text import Text

    console = _stdout()
    table = Table(title=f"Ressources placées — {terr.name}")
    for column in header:
        table.add_column(column, justify="left" if column == "situation" else "right")
    for r in rows:
        table.add_row(*[Text(c, style="bold red") if c == "0" else c for c in r])
    console.print(table)
    console.print(Text("Lacunes par commune (situation et niveau sans aucune ressource) :",
                       style="bold"))
    for insee, name, missing in gaps:
        text = ", ".join(f"{s} {lv}" for s, lv in missing) or "aucune"
        console.print(Text(f"  {name} ({insee}) : {text}"))


@territory_app.command("stale")
@handled
def territory_stale(
    territory: Annotated[Optional[str], typer.Option("--territory", "-t", show_default=False)] = None,
    older_than: Annotated[str, typer.Option("--older-than", help="Durée : 12m, 1a, 6s, 90j.")] = "12m",
    grids: GridsOption = None,
) -> None:
    """Fiches jamais vérifiées, ou vérifiées il y a trop longtemps."""
    from gradation.files.locate import resolve_territory
    from gradation.files.territories import load_territory
    from gradation.territory.coverage import parse_duration, stale

    days = parse_duration(older_than)
    grid = _grid(grids)
    terr = load_territory(resolve_territory(territory, grid.root), grid)
    found = stale(terr, days, dt.date.today())
    lines = []
    for res, age in found:
        when = "jamais vérifiée" if age is None else (
            f"vérifiée le {res.verified_on.strftime('%d/%m/%Y')} (il y a {age} jours)")
        lines.append(f"{res.id} — {res.name} : {when}")
    lines.append(f"{len(found)} fiche{'s' if len(found) > 1 else ''} à vérifier "
                 f"(seuil : {days} jours).")
    _print_lines(lines)


# --- import -------------------------------------------------------------------------------------

import_app = typer.Typer(help="Importer des établissements depuis des données ouvertes.",
                         no_args_is_help=True)


@import_app.command("finess")
@handled
def import_finess(
    file: Annotated[Path, typer.Argument(help="Extrait FINESS des établissements (CSV).", show_default=False)],
    territory_id: Annotated[str, typer.Option("--id", help="Identifiant du territoire créé.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Nom du territoire.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier de territoire à écrire.", show_default=False)],
    departement: Annotated[Optional[list[str]], typer.Option("--departement", help="Code du département (répétable).", show_default=False)] = None,
    commune: Annotated[Optional[list[str]], typer.Option("--commune", help="Code INSEE (répétable).", show_default=False)] = None,
    categorie: Annotated[Optional[list[str]], typer.Option("--categorie", help="Catégorie FINESS (répétable).", show_default=False)] = None,
    merge: Annotated[Optional[Path], typer.Option("--merge", help="Territoire existant à mettre à jour (ses ajouts manuels sont gardés).", show_default=False)] = None,
    grids: GridsOption = None,
) -> None:
    """Importer les établissements utiles à l'orientation depuis FINESS."""
    from gradation.errors import display_path
    from gradation.files.atomic import write_atomic
    from gradation.files.territories import check_territory_data
    from gradation.territory import finess

    grid = _grid(grids)
    result = finess.parse(file, grid, departement or [], commune or [], categorie or [])
    today = dt.date.today()
    lines: list[str] = []
    if merge is None:
        ids = finess.unique_ids(result.establishments, set())
        data = finess.territory_data(territory_id, name, result, ids, today)
        problems = check_territory_data(data, display_path(output), grid, today)
        if any(p.is_error for p in problems):
            from gradation.errors import LoadError

            raise LoadError(problems, "l'import produirait un territoire invalide ; rien n'a été "
                            "écrit", 1)
        write_atomic(output, finess.territory_text(data, result, file.name, today))
        lines.append(f"{len(result.establishments)} établissements importés dans {output}.")
    else:
        lines += _merge(merge, output, result, grid, today)
    by_name = [e for e in result.establishments if e.by_name]
    if by_name:
        lines.append("CMP classés d'après leur nom (à vérifier) :")
        lines += [f"  {e.finess} {e.name} → {'infanto-juvénile (cmpi)' if e.kind == 'cmpi' else 'adultes (cmp)'}"
                  for e in by_name]
    skipped = sum(result.skipped.values())
    lines.append(f"{skipped} établissement{'s' if skipped > 1 else ''} ignoré{'s' if skipped > 1 else ''} "
                 "(catégories sans type de ressource)" + (" :" if skipped else "."))
    for (code, label), count in sorted(result.skipped.items()):
        lines.append(f"  {code} {label} : {count}")
    if result.filtered_out:
        lines.append(f"{result.filtered_out} hors des départements, communes ou catégories demandés.")
    _print_lines(lines)


def _merge(existing: Path, output: Path, result: Any, grid: Any, today: dt.date) -> list[str]:
    from gradation.territory import directory, finess

    doc = directory.load(existing)
    entries = directory._resources(doc)
    by_finess = {str(e.get("finess")): e for e in entries if isinstance(e, dict) and e.get("finess")}
    taken = {str(e.get("id")) for e in entries if isinstance(e, dict)}
    new = [e for e in result.establishments if e.finess not in by_finess]
    ids = finess.unique_ids(new, taken)
    updated = 0
    for est in result.establishments:
        entry = by_finess.get(est.finess)
        if entry is None:
            directory.add(doc, finess.resource_fields(est, ids[est.finess]))
            continue
        fields = finess.resource_fields(est, str(entry["id"]))
        owned = {k: fields[k] for k in ("phone", "address", "lat", "lon", "verified_on")
                 if k in fields and entry.get(k) != fields[k]}
        if owned:
            directory.edit(doc, str(entry["id"]), owned, [])
            updated += 1
    communes = doc["territory"].setdefault("communes", [])
    known = {str(c.get("insee")) for c in communes if isinstance(c, dict)}
    for est in result.establishments:
        if est.insee not in known:
            from ruamel.yaml.comments import CommentedMap
            from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Q

            item = CommentedMap([("insee", Q(est.insee)), ("name", Q(est.town))])
            item.fa.set_flow_style()
            communes.append(item)
            known.add(est.insee)
    imported = {e.finess for e in result.establishments}
    gone = [e for f, e in by_finess.items() if f not in imported]
    directory.save(output, doc, grid, today)
    lines = [f"Fusion dans {output} : {len(new)} ajoutés, {updated} mis à jour, "
             f"{len(by_finess) - len(gone) - updated} inchangés ; les entrées saisies à la main "
             "sont gardées."]
    if gone:
        lines.append("Absents de l'extrait FINESS (gardés, à vérifier) :")
        lines += [f"  {e.get('id')} ({e.get('finess')})" for e in gone]
    return lines
