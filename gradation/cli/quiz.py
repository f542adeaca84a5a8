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
from gradation.errors import EXIT_INTERRUPTED, GradationError


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
    from rich.text import Text

    from gradation.files.grids import load_vignettes
    from gradation.files.locate import resolve_territory
    from gradation.files.territories import load_territory

    grid = grid_from(grids)
    vignettes = _select(grid, load_vignettes(grid, vignettes_file), situation, difficulty)
    if listing:  # the ids that --only takes
        print_lines([f"{v.id} — {grid.situations[v.situation].label}"
                     + (f" — {v.difficulty}" if v.difficulty else "") for v in vignettes]
                    + [f"{_count(len(vignettes), 'vignette')}."])
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
    console = stdout_console()
    if only is None:
        console.print(Text(f"Série tirée avec la graine {seed} (--seed {seed} pour la "
                           "rejouer).", style="dim"))
    if len(chosen) < count:
        console.print(Text(f"{len(chosen)} vignettes disponibles sur les {count} demandées.",
                           style="yellow"))
    score = 0
    misses: list[tuple[Any, str, str]] = []
    i = 0
    try:
        for i, vignette in enumerate(chosen, 1):
            guess, level = _play(console, grid, vignette, f"{i}/{len(chosen)}", territory,
                                 salle, hide_situation)
            score += guess == level
            if guess != level:
                misses.append((vignette, guess, level))
            if salle and i < len(chosen):  # the answer stays while the room discusses it
                console.input(Text("Entrée : vignette suivante ", style="dim"))
            console.print()
    except (KeyboardInterrupt, EOFError):
        console.print()
        played = _count(i - 1, "vignette")
        console.print(Text(f"Séance interrompue après {played}." if salle else
                           f"Entraînement interrompu — score : {score}/{len(chosen)} "
                           f"({played} jouée{'s' if i - 1 > 1 else ''}).", style="bold"))
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if salle:
        console.print(Text(f"Fin de la séance : {_count(len(chosen), 'vignette')}.",
                           style="bold"))
        return
    console.print(Text(f"Score : {score}/{len(chosen)}", style="bold"))
    _recap(console, grid, misses, vignettes_file)


def _play(console: Any, grid: Any, vignette: Any, number: str, territory: Any, salle: bool,
          hide_situation: bool) -> tuple[str, str]:
    """One vignette: the story, the vote (the room's) or the answer (the trainee's), then why;
    returns (answer, expected level)."""
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.text import Text

    from gradation.consult.prompts import ask_level
    from gradation.core.settle import result_for
    from gradation.present.terminal import LEVEL_STYLES, plain

    sit = grid.situations[vignette.situation]
    shown = "" if hide_situation else f" — {sit.label}"
    console.print(Panel(plain(vignette.story), title=plain(
        f"{number}{shown}{_difficulty(vignette)}"), title_align="left"))
    result = result_for(grid, sit, vignette.answers, territory)
    if salle:
        names = [grid.level_name(str(lv)) for lv in sorted(sit.spec.levels)]
        console.input(Text(f"Votez : {', '.join(names)} ou {grid.level_name('urgence')} "
                           "? (Entrée pour révéler) ", style="bold"))
        guess = result.level
        console.print(Text("Réponse : ", style="bold").append(
            f" {grid.level_label(result.level)} ",
            style="bold " + LEVEL_STYLES.get(result.level, "")))
    else:
        guess = ask_level(grid, sit)
        _verdict(console, grid, result.level, guess)
    _explain_verdict(console, grid, result, guess)
    if hide_situation:
        console.print(Padding(Text(f"Situation : {sit.label}", style="italic"), (0, 0, 0, 4)))
    if vignette.teaching:  # wrapped lines under the text, not at the margin
        console.print(Padding(Text("À retenir : ", style="bold").append_text(
            plain(vignette.teaching)), (0, 0, 0, 4)))
    return guess, result.level


def _recap(console: Any, grid: Any, misses: list[tuple[Any, str, str]],
           vignettes_file: Path | None) -> None:
    """The vignettes missed, and the command that replays them."""
    from rich.text import Text

    if not misses:
        return
    console.print(Text("À revoir :", style="bold"))
    for vignette, guess, level in misses:
        console.print(f"  • {vignette.id} — répondu {grid.level_label(guess)}, attendu "
                      f"{grid.level_label(level)}")
    console.print(Text("Pour les rejouer : gradation train --only "
                       + ",".join(v.id for v, _, _ in misses)
                       + (f" --vignettes {vignettes_file}" if vignettes_file else ""),
                       style="bold"), soft_wrap=True)  # a command to copy: never broken


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


def _verdict(console: Any, grid: Any, level: str, guess: str) -> None:
    from rich.text import Text

    if guess == level:
        console.print(Text("✓ Exact : ", style="bold green").append(
            f"{grid.level_label(level)}."))
    else:  # the trainee's answer in red, the right one plain: never the wrong one in green
        console.print(Text("✗ Votre réponse : ", style="bold red").append(
            grid.level_label(guess), style="red").append(" · bonne réponse : ").append(
            grid.level_label(level), style="bold"))


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


LEVEL_ORDER = ("1", "2", "3", "urgence")


def _difficulty(vignette: Any) -> str:
    return f" · {vignette.difficulty}" if vignette.difficulty else ""


def _count(n: int, noun: str) -> str:
    """« 1 vignette », « 3 vignettes » (French: 0 and 1 take the singular)."""
    return f"{n} {noun}{'s' if n > 1 else ''}"


def _explain_verdict(console: Any, grid: Any, result: Any, guess: str) -> None:
    """« Pourquoi » (the reasons of the level reached) and, after a wrong answer, « pourquoi
    pas votre réponse » (what the level chosen needs, or that the answers go beyond it)."""
    from rich.padding import Padding
    from rich.text import Text

    from gradation.present.terminal import bullets, plain

    console.print(Text(f"  Pourquoi {grid.level_label(result.level)} :", style="bold"))
    console.print(Padding(bullets([
        plain(reason.text).append(f" ({reason.source})", style="dim")
        for reason in result.reasons if reason.level == result.level]), (0, 0, 0, 2)))
    deciding = _deciding_answers(result, grid)
    if deciding:
        console.print(Padding(Text("Réponses décisives : " + ", ".join(deciding),
                                   style="italic"), (0, 0, 0, 4)))
    if result.bridge:
        console.print(Padding(Text(f"En attendant : {result.bridge_reason}.", style="italic"),
                              (0, 0, 0, 2)))
    from gradation.present.fidelity import kinds_with_lines

    kinds = kinds_with_lines(grid, result.level, [r.kind for r in result.resources])
    if kinds:
        console.print(Padding(Text("Ressources du territoire de démonstration : ", style="dim")
                              .append(", ".join(kinds)), (0, 0, 0, 4)))
    if guess == result.level:
        return
    console.print(Text(f"  Pourquoi pas {grid.level_label(guess)} :", style="bold"))
    if LEVEL_ORDER.index(guess) < LEVEL_ORDER.index(result.level):
        said = "les raisons ci-dessus relèvent d'un niveau plus élevé."
    elif guess == "urgence":
        said = "aucun drapeau rouge ni risque suicidaire élevé dans cette histoire."
    else:
        needed = [r.reason for r in result.situation.rules if str(r.level) == guess]
        said = f"aucune des conditions de ce niveau n'est remplie{' :' if needed else '.'}"
        console.print(Padding(Text(said), (0, 0, 0, 4)))
        console.print(Padding(bullets([plain(text) for text in needed], mark="–"),
                              (0, 0, 0, 2)))
        return
    console.print(Padding(Text(said), (0, 0, 0, 4)))


def _deciding_answers(result: Any, grid: Any) -> list[str]:
    """The answers read by the rules that decided the level."""
    from gradation.core.conditions import comparisons
    from gradation.core.decision import display_answer

    read: dict[str, None] = {}
    for reason in result.reasons:
        if reason.level != result.level:
            continue
        rule = next((r for r in result.situation.rules if r.id == reason.rule), None)
        flag_conditions = [f.condition for f in grid.red_flags if f.id == reason.rule]
        for cond in ([rule.condition] if rule else []) + flag_conditions:
            for cmp in comparisons(cond):
                read[cmp.question] = None
    out = []
    for qid in read:
        q = result.situation.question(qid)
        if q is not None and qid in result.answers:
            out.append(f"{q.text.rstrip(' ?')} : {display_answer(q, result.answers[qid])}")
    return out
