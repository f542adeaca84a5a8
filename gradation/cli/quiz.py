"""`gradation train`: the quiz, alone at a keyboard or in a room (`--salle`: the vignette, a
pause for the vote, then the reveal), and its handout (`--export`: the stories, then the
answer key)."""

from __future__ import annotations

import random
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from gradation.cli.common import (
    ForceOption,
    GridsOption,
    emit,
    grid_from,
    handled,
    print_lines,
    stdout_console,
)
from gradation.errors import GradationError


class HandoutFormat(StrEnum):
    markdown = "markdown"
    html = "html"


class Part(StrEnum):
    tout = "tout"
    vignettes = "vignettes"
    corrige = "corrige"


class Difficulty(StrEnum):
    facile = "facile"
    moyenne = "moyenne"
    difficile = "difficile"


@handled
def train_command(
    situation: Annotated[
        Optional[str],
        typer.Option("--situation", "-s", help="Seulement cette situation.", show_default=False),
    ] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="Nombre de vignettes.")] = 10,
    seed: Annotated[
        Optional[int],
        typer.Option(
            "--seed", help="Graine du tirage (pour rejouer la même série).", show_default=False
        ),
    ] = None,
    vignettes_file: Annotated[
        Optional[Path],
        typer.Option("--vignettes", help="Fichier de vignettes (par défaut : celles de la "
                     "grille) ; vérifié en entier avant la première question.",
                     show_default=False),
    ] = None,
    difficulty: Annotated[Optional[Difficulty], typer.Option(
        "--difficulte", help="Seulement les vignettes de cette difficulté (leur champ "
        "difficulty).", show_default=False)] = None,
    only: Annotated[Optional[str], typer.Option(
        "--only", help="Seulement ces vignettes, dans cet ordre (identifiants séparés par des "
        "virgules) : par exemple celles manquées.", show_default=False)] = None,
    salle: Annotated[bool, typer.Option(
        "--salle", help="Mode salle (projection) : la vignette, une pause pour le vote à main "
        "levée, puis la réponse et pourquoi ; sans score.")] = False,
    export: Annotated[Optional[HandoutFormat], typer.Option(
        "--export", help="Écrire le support à distribuer (les vignettes, puis le corrigé) au "
        "lieu de jouer.", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Avec --export : le fichier à écrire (par défaut : la sortie "
        "standard).", show_default=False)] = None,
    force: ForceOption = False,
    listing: Annotated[bool, typer.Option(
        "--list", help="Lister les vignettes (identifiant, situation, difficulté) au lieu de "
        "jouer.")] = False,
    presentation: Annotated[bool, typer.Option(
        "--presentation", help="Écrire la présentation de la séance (une page HTML autonome "
        "pour un vidéoprojecteur 1280×720 : tableaux, situations, vignettes et réponses) au "
        "lieu de jouer.")] = False,
    part: Annotated[Part, typer.Option(
        "--partie", help="Avec --export : tout le support, les vignettes seules (pour la "
        "salle) ou le corrigé seul (pour l'animateur).")] = Part.tout,
    hide_situation: Annotated[bool, typer.Option(
        "--masquer-situation", help="Ne pas nommer la situation en tête de chaque vignette "
        "(la salle la reconnaît elle-même) ; le corrigé la nomme.")] = False,
    grids: GridsOption = None,
) -> None:
    """S'entraîner : une vignette clinique, choisir le niveau, voir la bonne réponse et pourquoi."""

    from gradation.consult.quiz import count_noun, play
    from gradation.files.grids import load_vignettes
    from gradation.files.locate import resolve_territory
    from gradation.files.territories import load_territory

    grid = grid_from(grids)
    vignettes = _select(grid, load_vignettes(grid, vignettes_file), situation, difficulty)
    if listing:  # the ids that --only takes
        print_lines([f"{v.id} — {grid.situations[v.situation].label}"
                     + (f" — {v.difficulty}" if v.difficulty else "") for v in vignettes]
                    + [f"{count_noun(len(vignettes), 'vignette')}."])
        return
    # the deck and the handout: the file's order, the order of --only, or the draw of --seed —
    # the same for both
    if presentation or export is not None:
        chosen = _draw(vignettes, only, seed)[:count]
        if export is None:
            return _presentation(grid, chosen, seed, output, force, hide_situation)
        return _export(grid, chosen, export, output, force, seed, part.value, hide_situation)
    if not sys.stdin.isatty():
        raise GradationError("gradation train se joue dans un terminal (clavier).")
    if seed is None and only is None:
        seed = random.SystemRandom().randrange(1, 10_000)
    chosen = _draw(vignettes, only, seed)[:count]
    territory = load_territory(resolve_territory("demo", grid.root), grid)
    code = play(stdout_console(), grid, chosen, territory, seed, announced=only is None,
                wanted=count, salle=salle, hide_situation=hide_situation,
                vignettes_file=vignettes_file)
    if code:
        raise typer.Exit(code)


def _draw(vignettes: list[Any], only: str | None, seed: int | None) -> list[Any]:
    """The vignettes of --only in its order; else the draw of the seed; else the file's."""
    if only is not None:
        return _only(vignettes, only)
    if seed is not None:
        random.Random(seed).shuffle(vignettes)
    return vignettes


def _only(vignettes: list[Any], only: str) -> list[Any]:
    from gradation.core.suggest import suggest

    by_id = {v.id: v for v in vignettes}
    wanted = [part.strip() for part in only.split(",") if part.strip()]
    for vid in wanted:
        if vid not in by_id:
            raise GradationError(f"--only : vignette « {vid} » inconnue{suggest(vid, by_id)}")
    return [by_id[vid] for vid in wanted]


def _select(grid: Any, vignettes: list[Any], situation: str | None,
            difficulty: Difficulty | None) -> list[Any]:
    """The vignettes of a situation and a difficulty (all of them checked beforehand: no stop
    mid-quiz)."""
    if situation:
        grid.situation(situation)
        vignettes = [v for v in vignettes if v.situation == situation]
    if difficulty is not None:
        vignettes = [v for v in vignettes if v.difficulty == difficulty]
    if not vignettes:
        raise GradationError("aucune vignette ne correspond à ces critères (--situation, "
                             "--difficulte)")
    return vignettes


def _presentation(grid: Any, vignettes: list[Any], seed: int | None, output: Path | None,
                  force: bool, hide_situation: bool = False) -> None:
    import datetime as dt

    from gradation.present.deck import deck_html

    emit(deck_html(grid, _results(grid, vignettes), seed, dt.date.today(), hide_situation),
         output, force)


def _export(grid: Any, vignettes: list[Any], output_format: HandoutFormat,
            output: Path | None, force: bool = False, seed: int | None = None,
            part: str = "tout", hide_situation: bool = False) -> None:
    """The handout: the seed's tables, each story with boxes to tick, then the answer key."""
    import datetime as dt

    from gradation.present.handout import handout_blocks, handout_html, handout_markdown

    blocks = handout_blocks(grid, _results(grid, vignettes), seed, dt.date.today(), part,
                            hide_situation)
    emit(handout_markdown(blocks) if output_format == HandoutFormat.markdown
         else handout_html(blocks), output, force)


def _results(grid: Any, vignettes: list[Any]) -> list[tuple[Any, Any]]:
    """Each vignette with its result on the demo territory (the deck's and the handout's)."""
    from gradation.core.settle import result_for
    from gradation.files.locate import resolve_territory
    from gradation.files.territories import load_territory

    territory = load_territory(resolve_territory("demo", grid.root), grid)
    return [(v, result_for(grid, grid.situations[v.situation], v.answers, territory))
            for v in vignettes]


