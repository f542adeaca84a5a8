"""Trainer commands: model, situations, show, train."""

from __future__ import annotations

import random
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from gradation.cli.common import GridsOption, grid_from, handled, stdout_console
from gradation.errors import EXIT_INTERRUPTED, GradationError


class TableFormat(StrEnum):
    text = "text"
    markdown = "markdown"


class ShowFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    mermaid = "mermaid"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


@handled
def model_command(
    output_format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.text,
    grids: GridsOption = None,
) -> None:
    """Le modèle de gradation : lignes × champs (sanitaire, médico-social, social)."""
    from gradation.present.teaching import model_table

    grid = grid_from(grids)
    fields = grid.model.fields
    rows = model_table(grid)
    if output_format == TableFormat.markdown:
        lines = [
            "| ligne | " + " | ".join(f.label for f in fields) + " |",
            "|---|" + "---|" * len(fields),
        ]
        for label, organisation, cells in rows:
            lines.append(
                f"| **{_md_cell(label)}**<br>{_md_cell(organisation)} | "
                + " | ".join(_md_cell(", ".join(cells[f.id])) for f in fields)
                + " |"
            )
        typer.echo("\n".join(lines))
        return
    from rich.table import Table
    from rich.text import Text

    from gradation.present.terminal import plain

    table = Table(title=plain(grid.model.name), show_lines=True)
    table.add_column("ligne", style="bold")
    for f in fields:
        table.add_column(f.label)
    for label, organisation, cells in rows:
        table.add_row(
            Text(label).append("\n" + organisation, style="dim italic"),
            *[Text("\n".join(cells[f.id])) for f in fields],
        )
    from rich.padding import Padding

    from gradation.present.terminal import fits

    console = stdout_console()
    columns = [[f"{label} {organisation}" for label, organisation, _ in rows]] + [
        [kind for _, _, cells in rows for kind in cells[f.id]] for f in fields]
    if fits(table, columns, console):
        console.print(table)
    else:  # too narrow: one block per line of the organisation
        for label, organisation, cells in rows:
            console.print(Text(label, style="bold"))
            console.print(Padding(Text(organisation, style="dim italic"), (0, 0, 0, 2)))
            for f in fields:
                console.print(Padding(Text(f"{f.label} : ", style="dim").append(
                    ", ".join(cells[f.id]) or "—"), (0, 0, 0, 2)))
            console.print()


@handled
def situations_command(
    output_format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.text,
    grids: GridsOption = None,
) -> None:
    """Les situations cliniques × niveaux de recours (types de ressources par case)."""
    from gradation.present.teaching import situations_table

    grid = grid_from(grids)
    rows = situations_table(grid)
    note = (
        "* extension : un type que la table source ne met pas dans cette case ; la grille "
        "l'ajoute pour combler un manque clinique."
    )
    if output_format == TableFormat.markdown:
        lines = ["| situation | niveau 1 | niveau 2 | niveau 3 |", "|---|---|---|---|"]
        for label, cells in rows:
            lines.append(
                f"| {_md_cell(label)} | "
                + " | ".join(
                    ", ".join(
                        _md_cell(kind) + (" *(extension)*" if ext else "") for kind, ext in cell
                    )
                    for cell in cells
                )
                + " |"
            )
        lines += ["", note]
        typer.echo("\n".join(lines))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Situations et niveaux de recours", show_lines=True)
    for column in ("situation", "niveau 1", "niveau 2", "niveau 3"):
        table.add_column(column)
    for label, cells in rows:
        table.add_row(
            Text(label, style="bold"),
            *[
                Text("\n").join(
                    Text(kind) + (Text(" *", style="italic yellow") if ext else Text())
                    for kind, ext in cell
                )
                for cell in cells
            ],
        )
    from rich.padding import Padding

    from gradation.present.terminal import fits

    console = stdout_console()
    columns = [[label for label, _ in rows]] + [
        [kind + " *" for _, cells in rows for kind, _ in cells[i]] for i in range(3)]
    if fits(table, columns, console):
        console.print(table)
    else:  # too narrow for four columns: one block per situation, nothing cut
        for label, cells in rows:
            console.print(Text(label, style="bold"))
            for level, cell in enumerate(cells, 1):
                kinds = ", ".join(kind + (" *" if ext else "") for kind, ext in cell) or "—"
                console.print(Padding(Text(f"niveau {level} : ", style="dim").append(kinds),
                                      (0, 0, 0, 2)))
            console.print()
    console.print(Text(note, style="italic"))


@handled
def show_command(
    situation: Annotated[
        str, typer.Argument(help="Identifiant de la situation.", show_default=False)
    ],
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
    grids: GridsOption = None,
) -> None:
    """Une situation : ses questions et leurs conditions, ses règles et leurs sources, ses
    niveaux."""
    from gradation.core.decision import age_text
    from gradation.present.teaching import (
        LINE_NAMES,
        describe,
        kind_labels,
        mermaid,
        rules_by_level,
    )

    grid = grid_from(grids)
    sit = grid.situation(situation)
    if output_format == ShowFormat.mermaid:
        typer.echo(mermaid(grid, sit), nl=False)
        return
    rng = sit.spec.age
    lines = [f"# {sit.label}", "", f"Âge : {age_text(rng.min, rng.max)}.", "", "## Questions", ""]
    for i, q in enumerate(sit.questions, 1):
        cond = sit.conditions.get(q.id)
        extra = []
        if q.type == "choice":
            extra.append(" / ".join(v.label for v in q.values))
        elif q.type in ("integer", "score"):
            extra.append(f"{q.min} à {q.max}")
        elif q.type == "boolean":
            extra.append("oui / non")
        if q.optional:
            extra.append("facultatif")
        if cond is not None:
            extra.append(f"posée si {describe(cond, sit)}")
        lines.append(f"{i}. {q.text} (`{q.id}` ; {' ; '.join(extra)})")
    lines += ["", "## Règles", ""]
    current = None
    for row in rules_by_level(grid, sit):
        if row.level != current:
            lines += ["", f"### {LINE_NAMES[row.level]} si l'une de ces conditions :", ""]
            current = row.level
        lines.append(
            f"- {row.condition} — {row.reason} (`{row.rule}`) ; appelle : {row.calls} ; "
            f"délai : {row.delay}"
        )
    lines += ["", "### Sinon : 1re ligne", "", "## Niveaux et ressources", ""]
    for level in [*(str(lv) for lv in sorted(sit.spec.levels)), "urgence"]:
        kinds = kind_labels(grid, sit, level, sit.kinds(level, grid))
        spec = sit.level_spec(level)
        tail = f" — {spec.note}" if spec is not None and spec.note else ""
        lines.append(f"- **{grid.level_label(level)}** : {kinds}{tail}")
    text = "\n".join(lines) + "\n"
    if output_format == ShowFormat.markdown:
        typer.echo(text, nl=False)
        return
    from rich.markdown import Markdown

    stdout_console().print(Markdown(text))


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
    grids: GridsOption = None,
) -> None:
    """S'entraîner : une vignette clinique, choisir le niveau, voir la bonne réponse et pourquoi."""
    from rich.panel import Panel
    from rich.text import Text

    from gradation.consult.prompts import ask_level
    from gradation.core.decision import decide
    from gradation.core.settle import unneeded
    from gradation.files.grids import load_vignettes
    from gradation.files.locate import resolve_territory
    from gradation.files.territories import load_territory
    from gradation.present.terminal import plain

    grid = grid_from(grids)
    vignettes = load_vignettes(grid, vignettes_file)  # all checked: no stop mid-quiz
    if situation:
        grid.situation(situation)
        vignettes = [v for v in vignettes if v.situation == situation]
    if not sys.stdin.isatty():
        raise GradationError("gradation train se joue dans un terminal (clavier).")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 10_000)
    random.Random(seed).shuffle(vignettes)
    chosen = vignettes[:count]
    territory = load_territory(resolve_territory("demo", grid.root), grid)
    console = stdout_console()
    console.print(Text(f"Série tirée avec la graine {seed} (--seed {seed} pour la rejouer).",
                       style="dim"))
    if len(chosen) < count:
        console.print(Text(f"{len(chosen)} vignettes disponibles sur les {count} demandées.",
                           style="yellow"))
    score = 0
    misses: list[tuple[Any, str, str]] = []
    i = 0
    try:
        for i, vignette in enumerate(chosen, 1):
            sit = grid.situations[vignette.situation]
            console.print(Panel(plain(vignette.story), title=plain(
                f"{i}/{len(chosen)} — {sit.label}"), title_align="left"))
            guess = ask_level(grid, sit)
            result = decide(grid, sit, vignette.answers, territory,
                            not_asked=unneeded(grid, sit, vignette.answers))
            right = guess == result.level
            score += right
            if right:
                console.print(Text("✓ Exact : ", style="bold green").append(
                    f"{grid.level_label(result.level)}."))
            else:
                misses.append((vignette, guess, result.level))
                console.print(Text("✗ Votre réponse : ", style="bold red").append(
                    grid.level_label(guess), style="red").append(" · bonne réponse : ").append(
                    grid.level_label(result.level), style="bold"))
            _explain_verdict(console, grid, result, guess)
            if vignette.teaching:
                console.print(Text("  À retenir : ", style="bold").append_text(
                    plain(vignette.teaching)))
            console.print()
    except KeyboardInterrupt:
        console.print(Text(f"Entraînement interrompu — score : {score}/{len(chosen)} "
                           f"({i - 1} vignette(s) jouée(s)).", style="bold"))
        raise typer.Exit(EXIT_INTERRUPTED) from None
    console.print(Text(f"Score : {score}/{len(chosen)}", style="bold"))
    if misses:
        console.print(Text("À revoir :", style="bold"))
        for vignette, guess, level in misses:
            console.print(f"  • {vignette.id} — répondu {grid.level_label(guess)}, attendu "
                          f"{grid.level_label(level)}")
        console.print(Text(f"Pour rejouer la même série : gradation train --seed {seed} "
                           f"--count {len(chosen)}", style="dim"))


LEVEL_ORDER = ("1", "2", "3", "urgence")


def _explain_verdict(console: Any, grid: Any, result: Any, guess: str) -> None:
    """« Pourquoi » (the reasons of the level reached) and, after a wrong answer, « pourquoi
    pas votre réponse » (what the level chosen needs, or that the answers go beyond it)."""
    from rich.text import Text

    from gradation.present.terminal import plain

    console.print(Text(f"  Pourquoi {grid.level_label(result.level)} :", style="bold"))
    for reason in result.reasons:
        if reason.level == result.level:
            console.print(Text("    • ").append_text(plain(reason.text))
                          .append(f" ({reason.source})", style="dim"))
    deciding = _deciding_answers(result, grid)
    if deciding:
        console.print(Text("    Réponses décisives : " + ", ".join(deciding), style="italic"))
    if result.bridge:
        console.print(Text(f"  En attendant : {result.bridge_reason}.", style="italic"))
    if guess == result.level:
        return
    console.print(Text(f"  Pourquoi pas {grid.level_label(guess)} :", style="bold"))
    if LEVEL_ORDER.index(guess) < LEVEL_ORDER.index(result.level):
        console.print("    les raisons ci-dessus relèvent d'un niveau plus élevé.")
    elif guess == "urgence":
        console.print("    aucun drapeau rouge ni risque suicidaire élevé dans cette histoire.")
    else:
        needed = [r.reason for r in result.situation.rules if str(r.level) == guess]
        console.print(f"    aucune des conditions de ce niveau n'est remplie"
                      f"{' :' if needed else '.'}")
        for text in needed:
            console.print(Text("    – ").append_text(plain(text)))


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
