"""The training quiz in a terminal: each vignette's story, the trainee's answer (or the room's
vote), the verdict and why, then the score and what to replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text

from gradation.errors import EXIT_INTERRUPTED

LEVEL_ORDER = ("1", "2", "3", "urgence")


def play(console: Any, grid: Any, chosen: list[Any], territory: Any, seed: int | None, *,
         announced: bool, wanted: int, salle: bool, hide_situation: bool,
         vignettes_file: Path | None) -> int:
    """Play the vignettes `chosen`; the exit code (130 when interrupted)."""
    if announced:
        console.print(Text(f"Série tirée avec la graine {seed} (--seed {seed} pour la "
                           "rejouer).", style="dim"))
    if len(chosen) < wanted:
        console.print(Text(f"{len(chosen)} vignettes disponibles sur les {wanted} demandées.",
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
        played = count_noun(i - 1, "vignette")
        console.print(Text(f"Séance interrompue après {played}." if salle else
                           f"Entraînement interrompu — score : {score}/{len(chosen)} "
                           f"({played} jouée{'s' if i - 1 > 1 else ''}).", style="bold"))
        return EXIT_INTERRUPTED
    if salle:
        console.print(Text(f"Fin de la séance : {count_noun(len(chosen), 'vignette')}.",
                           style="bold"))
        return 0
    console.print(Text(f"Score : {score}/{len(chosen)}", style="bold"))
    _recap(console, grid, misses, vignettes_file)
    return 0


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


def _verdict(console: Any, grid: Any, level: str, guess: str) -> None:
    from rich.text import Text

    if guess == level:
        console.print(Text("✓ Exact : ", style="bold green").append(
            f"{grid.level_label(level)}."))
    else:  # the trainee's answer in red, the right one plain: never the wrong one in green
        console.print(Text("✗ Votre réponse : ", style="bold red").append(
            grid.level_label(guess), style="red").append(" · bonne réponse : ").append(
            grid.level_label(level), style="bold"))


def _difficulty(vignette: Any) -> str:
    return f" · {vignette.difficulty}" if vignette.difficulty else ""


def count_noun(n: int, noun: str) -> str:
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
