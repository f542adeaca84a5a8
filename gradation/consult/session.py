"""The `orient` flow: gather the answers (file, flags, questionnaire), decide, and present."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradation.core.answers import parse_pairs
from gradation.core.model import Grid
from gradation.errors import GradationError
from gradation.files.cache import grid_files
from gradation.files.grids import load_grid
from gradation.files.locate import default_grids_dir, resolve_territory
from gradation.files.territories import load_territory


@dataclass(slots=True)
class Outcome:
    grid: Grid
    result: Any  # engine.Result
    output_format: str
    output: Path | None
    document: str = "resultat"
    explain: bool = False
    asker: Any = None  # the questionnaire, when the session was interactive
    reads: tuple[Path, ...] = ()  # the files this command read: never written over


def read_answers_file(name: str) -> dict[str, Any]:
    """`--answers FILE`: a mapping of question ids to scalars (.json as JSON, else safe YAML)."""
    if name == "-":
        text, shown = sys.stdin.read(), "entrée standard"
    else:
        from gradation.files.atomic import read_text

        text, shown = read_text(Path(name), "fichier de réponses"), name
    if name.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GradationError(
                f"{shown}:{exc.lineno}:{exc.colno}: JSON invalide ({exc.msg})") from None
    else:
        from gradation.files.yamlio import ProblemsFound, parse_yaml

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
    from gradation.core.decision import decide

    grid = load_grid(grids or default_grids_dir())
    territory_data = load_territory(resolve_territory(territory, grid.root), grid)
    answers: dict[str, Any] = read_answers_file(answers_file) if answers_file else {}
    answers.update(parse_pairs(pairs))
    asker = None
    if interactive:
        from gradation.consult.prompts import QuestionaryAsker

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
        from gradation.consult.interview import interview
        from gradation.core.decision import normalise_answers

        answers = interview(grid, chosen, normalise_answers(grid, chosen, answers), asker)
    result = decide(grid, chosen, answers, territory_data)
    reads = (territory_data.path, *grid_files(grid.root))
    if answers_file and answers_file != "-":
        reads = (*reads, Path(answers_file))
    return Outcome(grid, result, output_format, output, document, explain, asker, reads)


def format_outcome(outcome: Outcome, color: bool) -> str:
    """The result in the requested format, as text."""
    from gradation.present.data import result_json

    if outcome.output_format == "json":
        data = result_json(outcome.result, outcome.grid)
        if outcome.explain:
            data["explain"] = explain_json(outcome)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if outcome.output_format in ("markdown", "html"):
        from gradation.present.documents import render_document

        return render_document(outcome.document, outcome.output_format, outcome.result,
                               outcome.grid)
    from gradation.present.terminal import result_text

    return result_text(outcome.result, outcome.grid,
                       _explanation(outcome) if outcome.explain else None)


def emit(outcome: Outcome) -> None:
    """Print the outcome, or write it to `--output` (atomically). rich is imported only for
    the terminal rendering."""
    from gradation.files.safe import write_output

    if outcome.output is not None:
        write_output(outcome.output, format_outcome(outcome, color=False), outcome.reads)
        if str(outcome.output) != "-":
            sys.stderr.write(f"Écrit dans {outcome.output}\n")
        return
    if outcome.output_format == "text":
        from gradation.present.terminal import print_result

        print_result(outcome.result, outcome.grid,
                     _explanation(outcome) if outcome.explain else None)
    else:
        sys.stdout.write(format_outcome(outcome, color=False))
        sys.stdout.flush()


def _explanation(outcome: Outcome):  # type: ignore[no-untyped-def]
    from gradation.present.teaching import explain

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


def follow_up(outcome: Outcome) -> None:
    """After an interactive result: write the referral letter or the patient sheet on request."""
    asker = outcome.asker
    if (asker is None or not asker.asked or outcome.output is not None
            or outcome.output_format != "text"):
        return
    while True:
        choice = asker.follow_up()
        if choice is None:
            return
        path = _write_document(outcome, choice)
        sys.stdout.write(f"Écrit dans {path}\n")


def free_name(name: str, folder: Path | None = None) -> Path:
    """`name`, or `name-2`, `name-3` … : the first that does not exist yet."""
    folder = folder or Path.cwd()
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return Path(path.name) if folder == Path.cwd() else path


def _write_document(outcome: Outcome, document: str) -> Path:
    """Ask where to write a document until it is written: a name that exists is replaced only
    when the GP says so, and an error (a folder that does not exist…) asks again."""
    from gradation.files.safe import write_output
    from gradation.present.documents import render_document

    asker = outcome.asker
    default = free_name("courrier.md" if document == "lettre" else "fiche-patient.html")
    while True:
        path = asker.output_path(document, default)
        if path.exists() and not asker.confirm(f"{path} existe déjà : le remplacer ?"):
            default = free_name(path.name, path.parent if str(path.parent) != "." else None)
            continue
        fmt = "html" if path.suffix.lower() in (".html", ".htm") else "markdown"
        try:
            write_output(path, render_document(document, fmt, outcome.result, outcome.grid),
                         outcome.reads)
        except GradationError as exc:
            asker.say(exc.message)
            continue
        return path
