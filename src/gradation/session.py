"""The `orient` flow: gather the answers (file, flags, questionnaire), decide, and present."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .answers import parse_pairs
from .errors import GradationError, LoadError, Problem
from .loader import Grid, default_grids_dir, load_grid, load_territory, resolve_territory


@dataclass(slots=True)
class Outcome:
    grid: Grid
    result: Any  # engine.Result
    output_format: str
    output: Path | None
    document: str = "resultat"
    explain: bool = False


def read_answers_file(name: str) -> dict[str, Any]:
    """`--answers FILE`: a mapping of question ids to scalars (.json as JSON, else safe YAML)."""
    if name == "-":
        text, shown = sys.stdin.read(), "entrée standard"
    else:
        path = Path(name)
        shown = name
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise GradationError(f"fichier de réponses introuvable : {name}") from None
        except UnicodeDecodeError:
            raise GradationError(f"{name} : le fichier de réponses doit être en UTF-8") from None
        except OSError as exc:
            raise GradationError(f"{name} : lecture impossible ({exc.strerror})") from None
    if name.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GradationError(f"{shown}:{exc.lineno}:{exc.colno}: JSON invalide ({exc.msg})") from None
    else:
        from .yamlio import ProblemsFound, parse_yaml

        try:
            data, problems = parse_yaml(text, shown)
        except ProblemsFound as exc:
            raise GradationError("\n".join(map(str, exc.problems))) from None
        if problems:
            raise GradationError("\n".join(map(str, problems)))
    if data is None:
        return {}
    if not isinstance(data, dict) or any(
        isinstance(v, dict | list) for v in data.values()
    ):
        raise GradationError(f"{shown} : les réponses doivent associer chaque question à une "
                             "valeur simple (par exemple « age: 34 »)")
    return {str(k): v for k, v in data.items()}


def orient(
    *,
    situation: str | None,
    territory: str | None,
    pairs: list[str],
    answers_file: str | None,
    output_format: str,
    output: Path | None,
    grids: Path | None,
    interactive: bool = False,
    document: str = "resultat",
    explain: bool = False,
) -> Outcome:
    from .engine import decide

    grid = load_grid(grids or default_grids_dir())
    territory_data = load_territory(resolve_territory(territory, grid.root), grid)
    answers: dict[str, Any] = read_answers_file(answers_file) if answers_file else {}
    answers.update(parse_pairs(pairs))
    asker = None
    if interactive:
        from .prompts import QuestionaryAsker

        asker = QuestionaryAsker(grid, territory_data)
        if situation is None:
            situation = asker.situation()
    if situation is None:
        raise GradationError(
            "--situation est requise hors d'un terminal (situations : "
            + ", ".join(grid.situations) + ")"
        )
    chosen = grid.situation(situation)
    if asker is not None:
        from .engine import normalise_answers
        from .interview import interview

        answers = interview(grid, chosen, normalise_answers(grid, chosen, answers), asker)
    result = decide(grid, chosen, answers, territory_data)
    return Outcome(grid, result, output_format, output, document, explain)


def format_outcome(outcome: Outcome, color: bool) -> str:
    """The result in the requested format, as text."""
    from .export import result_json

    if outcome.output_format == "json":
        data = result_json(outcome.result, outcome.grid)
        if outcome.explain:
            data["explain"] = explain_json(outcome)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if outcome.output_format in ("markdown", "html"):
        from .documents import render_document

        return render_document(outcome.document, outcome.output_format, outcome.result,
                               outcome.grid)
    from io import StringIO

    from rich.console import Console

    from .render import render_result

    buffer = StringIO()
    console = Console(file=buffer, width=100, no_color=not color, color_system=None,
                      highlight=False)
    render_result(outcome.result, outcome.grid, console)
    if outcome.explain:
        render_explain(outcome, console)
    return buffer.getvalue()


def emit(outcome: Outcome) -> None:
    """Print the outcome, or write it to `--output` (atomically). rich is imported only for
    the terminal rendering."""
    from .files import write_atomic

    if outcome.output is not None:
        write_atomic(outcome.output, format_outcome(outcome, color=False))
        sys.stderr.write(f"Écrit dans {outcome.output}\n")
        return
    if outcome.output_format == "text":
        from rich.console import Console

        from .render import render_result

        console = Console(highlight=False)
        render_result(outcome.result, outcome.grid, console)
        if outcome.explain:
            render_explain(outcome, console)
    else:
        sys.stdout.write(format_outcome(outcome, color=False))
        sys.stdout.flush()


def _explanation(outcome: Outcome):  # type: ignore[no-untyped-def]
    from .teaching import explain

    result = outcome.result
    return explain(outcome.grid, result.situation, result.answers)


def explain_json(outcome: Outcome) -> dict[str, Any]:
    checks, ups, downs = _explanation(outcome)
    return {
        "rules": [{"rule": c.rule, "level": c.level, "condition": c.text, "fired": c.fired,
                   "answers": c.read} for c in checks],
        "raise": [vars_of(c) for c in ups],
        "lower": [vars_of(c) for c in downs],
    }


def vars_of(change: Any) -> dict[str, Any]:
    return {"question": change.question, "from": change.before, "to": change.after,
            "level": change.level}


def render_explain(outcome: Outcome, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    from .render import plain
    from .teaching import LINE_NAMES

    checks, ups, downs = _explanation(outcome)
    table = Table(title="Règles de la situation", show_lines=False)
    table.add_column("")
    table.add_column("niveau")
    table.add_column("condition")
    table.add_column("réponses lues")
    for c in checks:
        table.add_row(Text("✓", style="green") if c.fired else Text("·", style="dim"),
                      LINE_NAMES[c.level], plain(c.text),
                      plain(", ".join(f"{k} = {v}" for k, v in c.read.items())))
    console.print()
    console.print(table)
    console.print(Text("Ce qui changerait le niveau", style="bold underline"))
    if outcome.result.level != "urgence":
        console.print("  Tout drapeau rouge positif mènerait à l'urgence.")
    if not ups and not downs:
        console.print("  Aucun changement d'une seule réponse ne modifie le niveau.")
    for label, changes in (("monterait", ups), ("descendrait", downs)):
        for ch in changes:
            console.print(Text(f"  {ch.question} : {ch.before} → {ch.after} : le niveau "
                               f"{label} à {LINE_NAMES[ch.level]}"))


__all__ = ["Outcome", "orient", "emit", "read_answers_file", "LoadError", "Problem"]
