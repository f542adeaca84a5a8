"""`gradation resources …`: list, show, add, edit, remove entries of a territory file."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import typing
from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer

from gradation.cli.common import (
    SUBCOMMANDS,
    DryRunOption,
    GridsOption,
    TerritoryFileOption,
    grid_from,
    handled,
    load_territory_option,
    print_diff,
    print_lines,
    stdout_console,
    territory_path,
)
from gradation.errors import GradationError

resources_app = typer.Typer(
    subcommand_metavar=SUBCOMMANDS,
    help="Ressources d'un fichier de territoire : lister, voir, ajouter, modifier, retirer.",
    no_args_is_help=True,
)


@resources_app.command("list")
@handled
def resources_list(
    territory: TerritoryFileOption = None,
    kind: Annotated[
        Optional[str], typer.Option(help="Seulement ce type.", show_default=False)
    ] = None,
    situation: Annotated[
        Optional[str],
        typer.Option(
            help="Seulement les ressources placées dans cette situation.", show_default=False
        ),
    ] = None,
    commune: Annotated[
        Optional[str],
        typer.Option(
            help="Seulement celles qui desservent cette commune (code INSEE).", show_default=False
        ),
    ] = None,
    grids: GridsOption = None,
) -> None:
    """Lister les ressources (filtres : type, situation, commune)."""
    from gradation.present.lists import print_resources
    from gradation.territory.coverage import filtered

    grid, terr = load_territory_option(territory, grids)
    print_resources(stdout_console(), terr.name, filtered(terr, grid, kind, situation, commune))


@resources_app.command("show")
@handled
def resources_show(
    resource_id: Annotated[str, typer.Argument(metavar="ID", show_default=False)],
    territory: TerritoryFileOption = None,
    grids: GridsOption = None,
) -> None:
    """Montrer une ressource, champ par champ."""
    from gradation.core.suggest import suggest

    _, terr = load_territory_option(territory, grids)
    found = next((r for r in terr.resources if r.id == resource_id), None)
    if found is None:
        raise GradationError(
            f"ressource « {resource_id} » introuvable"
            f"{suggest(resource_id, [r.id for r in terr.resources])}"
        )
    data = found.model_dump(mode="json", exclude_none=True)
    print_lines([f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()])


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
    """The given fields as the territory format writes them (lists split, dates read)."""
    age = {
        k: v for k, v in (("min", raw.pop("age_min")), ("max", raw.pop("age_max"))) if v is not None
    }
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


# Every field of a resource, declared once for `add` and `edit`: (parameter, type, flag, help).
FIELD_OPTIONS: tuple[tuple[str, Any, str, str], ...] = (
    ("name", Optional[str], "--name", "Nom affiché."),
    (
        "kind",
        Optional[str],
        "--kind",
        "Identifiant du type de ressource (la liste : gradation kinds).",
    ),
    ("serves", Optional[str], "--serves", "Communes du secteur, codes INSEE : 99001,99002."),
    ("age_min", Optional[int], "--age-min", "Âge minimal, en années (inclus)."),
    ("age_max", Optional[int], "--age-max", "Âge maximal, en années (inclus)."),
    ("situations", Optional[str], "--situations", "Seulement pour ces situations : a,b."),
    ("level", Optional[int], "--level", "Niveau imposé, 1 à 3 (avec --situations)."),
    ("phone", Optional[str], "--phone", "Téléphone (par exemple 01 99 00 00 01)."),
    ("email", Optional[str], "--email", "Adresse électronique."),
    ("website", Optional[str], "--website", "Site internet."),
    ("address", Optional[str], "--address", "Adresse postale."),
    ("hours", Optional[str], "--hours", "Horaires d'ouverture."),
    (
        "access",
        Optional[str],
        "--access",
        "Modes d'accès : rendez-vous,sans-rendez-vous,visite-a-domicile,teleconsultation.",
    ),
    ("walk_in", Optional[str], "--walk-in", "Accueil sans rendez-vous : quand et comment."),
    (
        "referral_required",
        Optional[bool],
        "--referral-required/--no-referral-required",
        "Un courrier du médecin est demandé (ou non).",
    ),
    ("cost", Optional[str], "--cost", "Coût pour le patient (par exemple gratuit)."),
    (
        "wait_weeks",
        Optional[int],
        "--wait-weeks",
        "Délai habituel d'un premier rendez-vous, en semaines.",
    ),
    ("languages", Optional[str], "--languages", "Langues parlées : fr,en,…"),
    ("finess", Optional[str], "--finess", "Numéro FINESS (9 caractères)."),
    ("lat", Optional[float], "--lat", "Latitude WGS84."),
    ("lon", Optional[float], "--lon", "Longitude WGS84."),
    (
        "verified_on",
        Optional[str],
        "--verified-on",
        "Date de la dernière vérification : AAAA-MM-JJ ou today.",
    ),
    (
        "mon_soutien_psy",
        Optional[bool],
        "--mon-soutien-psy/--sans-mon-soutien-psy",
        "Psychologue conventionné Mon soutien psy (ou non).",
    ),
    ("notes", Optional[str], "--notes", "Notes libres."),
)


def with_resource_fields(fn: Callable[..., None]) -> Callable[..., None]:
    """Give a command one option per resource field (typer reads the signature); the command
    receives them gathered in `fields`, normalised, without the ones left out."""
    names = [name for name, *_ in FIELD_OPTIONS]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        raw = {name: kwargs.pop(name, None) for name in names}
        fn(*args, fields=_fields(**raw), **kwargs)

    signature = inspect.signature(fn)
    hints = typing.get_type_hints(fn, include_extras=True)  # annotations are strings here
    own = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in signature.parameters.values()
        if p.name != "fields"
    ]
    options = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[kind, typer.Option(flag, help=help, show_default=False)],
        )
        for name, kind, flag, help in FIELD_OPTIONS
    ]
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*own, *options]
    )
    wrapper.__annotations__ = {p.name: p.annotation for p in [*own, *options]}
    return wrapper


@resources_app.command("add")
@handled
@with_resource_fields
def resources_add(
    territory: TerritoryFileOption = None,
    id: Annotated[
        Optional[str],
        typer.Option(
            "--id", help="Identifiant (minuscules, chiffres, tirets).", show_default=False
        ),
    ] = None,
    grids: GridsOption = None,
    dry_run: DryRunOption = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Ajouter une ressource ; dans un terminal, demande ce qui manque."""
    import sys

    from gradation.territory import directory

    fields = {"id": id, **fields}
    grid = grid_from(grids)
    path = territory_path(territory, grids)
    missing = [k for k in ("id", "name", "kind") if not fields.get(k)]
    if missing and sys.stdin.isatty():
        from gradation.consult.resource_prompts import ask_resource_fields

        fields.update(ask_resource_fields(grid, missing))
        missing = [k for k in ("id", "name", "kind") if not fields.get(k)]
    if missing:
        raise GradationError(
            "champs obligatoires manquants : " + ", ".join(f"--{k}" for k in missing)
        )
    diff: list[str] | None = [] if dry_run else None
    directory.update(path, grid, lambda editor: editor.add_many([fields]), dry_run=diff)
    if diff is not None:
        return print_diff(diff)
    print_lines([f"Ressource « {fields['id']} » ajoutée à {path}."])


@resources_app.command("edit")
@handled
@with_resource_fields
def resources_edit(
    resource_id: Annotated[
        str, typer.Argument(metavar="ID", help="Identifiant de la ressource.", show_default=False)
    ],
    territory: TerritoryFileOption = None,
    unset: Annotated[
        Optional[list[str]],
        typer.Option("--unset", help="Retirer ce champ (répétable).", show_default=False),
    ] = None,
    grids: GridsOption = None,
    dry_run: DryRunOption = False,
    *,
    fields: dict[str, Any],
) -> None:
    """Modifier une ressource (seuls les champs donnés changent) ; commentaires conservés."""
    from gradation.territory import directory

    grid = grid_from(grids)
    path = territory_path(territory, grids)
    diff: list[str] | None = [] if dry_run else None
    directory.update(path, grid, lambda editor: editor.edit(resource_id, fields, unset or []),
                     dry_run=diff)
    if diff is not None:
        return print_diff(diff)
    print_lines([f"Ressource « {resource_id} » modifiée dans {path}."])


@resources_app.command("remove")
@handled
def resources_remove(
    resource_id: Annotated[str, typer.Argument(metavar="ID", show_default=False)],
    territory: TerritoryFileOption = None,
    grids: GridsOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Retirer une ressource (une entrée venue de FINESS est notée dans finess_ignore, une
    entrée venue d'un paquet HSDS dans hsds_ignore)."""
    from gradation.territory import directory

    grid = grid_from(grids)
    path = territory_path(territory, grids)
    diff: list[str] | None = [] if dry_run else None
    _, noted = directory.update(path, grid, lambda editor: editor.remove(resource_id),
                                dry_run=diff)
    if diff is not None:
        return print_diff(diff)
    said = [] if not noted else [
        "Elle est notée dans hsds_ignore : les prochaines fusions HSDS ne la remettront pas."
    ] if noted == resource_id else [f"Son numéro FINESS est noté dans finess_ignore ({noted}) : "
                                    "les prochains imports ne la remettront pas."]
    print_lines([f"Ressource « {resource_id} » retirée de {path}."] + said)
