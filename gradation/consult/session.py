"""The `orient` flow: gather the answers (file, flags, questionnaire), decide, and present."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradation.core.answers import parse_pairs
from gradation.core.model import Grid
from gradation.errors import GradationError, os_error_text
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
    letter: str | None = None  # the purpose of the letter (--letter)
    recipient: str | None = None  # its recipient (--to)


MAX_ANSWERS_BYTES = 1024 * 1024  # an answers file is a few lines: 1 Mio is plenty
MAX_NUMBER_DIGITS = 30


def _read_source(name: str) -> tuple[bytes, str]:
    """The bytes of `--answers` (`-`: standard input), bounded, from a regular file or a
    pipe only: never a device that reads without end, nor a named pipe that may block."""
    if name == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None or sys.stdin.closed:
            raise GradationError("entrée standard fermée : rien à lire pour --answers -")
        try:
            data = stream.read(MAX_ANSWERS_BYTES + 1)
        except (OSError, ValueError):
            raise GradationError("entrée standard illisible pour --answers -") from None
        shown = "entrée standard"
    else:
        import os
        import stat

        from gradation.core.text import visible

        shown = visible(name)
        try:
            info = os.stat(name)
            if not stat.S_ISREG(info.st_mode):
                raise GradationError(f"{shown} : les réponses se lisent dans un fichier "
                                     "ordinaire (ou « - » pour l'entrée standard)")
            with open(name, "rb") as handle:
                data = handle.read(MAX_ANSWERS_BYTES + 1)
        except OSError as exc:
            raise GradationError(f"fichier de réponses {shown} : {os_error_text(exc)}") from None
    if len(data) > MAX_ANSWERS_BYTES:
        raise GradationError(f"{shown} : fichier de réponses trop volumineux (au plus "
                             f"{MAX_ANSWERS_BYTES // 1024} Kio)")
    return data, shown


def _json_answers(text: str, shown: str) -> Any:
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        doubled = sorted({k for k in keys if keys.count(k) > 1})
        if doubled:
            raise GradationError(f"{shown} : clé en double ({', '.join(doubled)}) : gardez-en "
                                 "une seule")
        return dict(pairs)

    def number(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
            raise GradationError(f"{shown} : nombre trop long ({MAX_NUMBER_DIGITS} chiffres "
                                 "au plus)")
        return int(digits)

    try:
        return json.loads(text, object_pairs_hook=unique, parse_int=number)
    except json.JSONDecodeError as exc:
        raise GradationError(
            f"{shown}:{exc.lineno}:{exc.colno}: JSON invalide ({exc.msg})") from None
    except RecursionError:
        raise GradationError(f"{shown} : structure trop profondément imbriquée") from None


def read_answers_file(name: str) -> dict[str, Any]:
    """`--answers FILE`: a mapping of question ids to scalars (.json as JSON, else safe YAML)."""
    data_bytes, shown = _read_source(name)
    try:
        text = data_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GradationError(f"{shown} : les réponses doivent être en UTF-8 (octet 0x"
                             f"{exc.object[exc.start]:02x} à la position {exc.start})") from None
    if name.endswith(".json"):
        data = _json_answers(text, shown)
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


def given_answers(answers_file: str | None, pairs: list[str]) -> dict[str, Any]:
    """The answers of the command line: the file's, then each --answer over them."""
    answers: dict[str, Any] = read_answers_file(answers_file) if answers_file else {}
    answers.update(parse_pairs(pairs))
    return answers


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
    letter: str | None = None,
    recipient: str | None = None,
) -> Outcome:
    from gradation.core.settle import result_for

    grid = load_grid(grids or default_grids_dir())
    territory_data = load_territory(resolve_territory(territory, grid.root), grid)
    answers = given_answers(answers_file, pairs)
    asker = None
    chosen_here = False
    if interactive:
        from gradation.consult.prompts import QuestionaryAsker

        asker = QuestionaryAsker(grid, territory_data)
        if situation is None:
            situation, chosen_here = asker.situation(), True
    if situation is None:
        raise GradationError(
            "--situation est requise hors d'un terminal (situations : "
            + ", ".join(grid.situations) + ")"
        )
    chosen = grid.situation(situation)
    if asker is not None:
        from gradation.consult.interview import interview
        from gradation.core.decision import normalise_answers

        while True:  # `<` at the first question goes back to the situation chosen here
            found = interview(grid, chosen, normalise_answers(grid, chosen, answers), asker,
                              territory_data, can_leave=chosen_here)
            if found is not None:
                answers = found
                break
            chosen = grid.situation(asker.situation(chosen.id))
    # What the questionnaire left out, or a script: accepted (and listed as not asked) only
    # when decide proves that no answer to it could change the result.
    result = result_for(grid, chosen, answers, territory_data)
    reads = (territory_data.path, *grid_files(grid.root))
    if answers_file and answers_file != "-":
        reads = (*reads, Path(answers_file))
    return Outcome(grid, result, output_format, output, document, explain, asker, reads, letter,
                   recipient)


def format_outcome(outcome: Outcome) -> str:
    """The result in the requested format, as text (present/output.py renders it)."""
    from gradation.present.output import render

    return render(outcome.result, outcome.grid, outcome.output_format, outcome.document,
                  explanation=_explanation(outcome) if outcome.explain else None,
                  letter=outcome.letter, recipient=outcome.recipient,
                  praticien=_praticien() if outcome.output_format in ("markdown", "html")
                  else None)


def emit(outcome: Outcome) -> None:
    """Print the outcome, or write it to `--output` (atomically). rich is imported only for
    the terminal rendering."""
    from gradation.files.safe import write_output

    if outcome.output is not None:
        write_output(outcome.output, format_outcome(outcome), outcome.reads,
                     private=True)  # about a patient: readable by the GP only
        if str(outcome.output) != "-":
            sys.stderr.write(f"Écrit dans {outcome.output}\n")
        return
    if outcome.output_format == "text":
        from gradation.present.terminal import print_result

        print_result(outcome.result, outcome.grid,
                     _explanation(outcome) if outcome.explain else None)
    else:
        write_output(Path("-"), format_outcome(outcome))


def _explanation(outcome: Outcome):  # type: ignore[no-untyped-def]
    from gradation.present.teaching import explain

    result = outcome.result
    return explain(outcome.grid, result.situation, result.answers)


def follow_up(outcome: Outcome) -> None:
    """After an interactive result: write the referral letter or the patient sheet on request."""
    asker = outcome.asker
    if (asker is None or not asker.asked or outcome.output is not None
            or outcome.output_format != "text"):
        return
    from gradation.present.letters import child_at_risk
    from gradation.present.terminal import print_card

    while True:
        print_card(outcome.result, outcome.grid)  # the decision in view when asked what next
        choice = asker.follow_up(protection=child_at_risk(outcome.result))
        if choice is None:
            return
        try:
            path = _write_document(outcome, choice)
        except GradationError as exc:  # a document refused for this result: said, then back
            asker.say(exc.message)
            continue
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


def _praticien() -> Any:
    """The GP's identity, for the letters (None when it is not configured)."""
    from gradation.files.config import read_config

    return read_config().praticien


def _write_document(outcome: Outcome, document: str) -> Path:
    """Ask where to write a document until it is written: a name that exists is replaced only
    when the GP says so, and an error (a folder that does not exist…) asks again.
    `document`: « lettre », « information » (the information préoccupante) or « fiche »."""
    from gradation.files.safe import write_output
    from gradation.present.output import render_document

    asker = outcome.asker
    recipient = None
    letter = "information-preoccupante" if document == "information" else None
    kind = "lettre" if document in ("lettre", "information") else document
    if document == "lettre":
        from gradation.present.letters import recipients

        candidates = recipients(outcome.result, outcome.grid)
        if len(candidates) > 1:
            recipient = asker.recipient([(r.id, f"{r.name} — {outcome.grid.kind_label(r.kind)}")
                                         for r in candidates])
    praticien = _praticien()

    def render(fmt: str) -> str:  # a refused document is refused before asking where
        return render_document(kind, fmt, outcome.result, outcome.grid, letter=letter,
                               recipient=recipient, praticien=praticien)

    text = render("markdown")
    default = free_name({"lettre": "courrier.md", "information": "information-preoccupante.md"
                         }.get(document, "fiche-patient.html"))
    while True:
        path = asker.output_path(document, default)
        if path.exists() and not asker.confirm(f"{path} existe déjà : le remplacer ?"):
            default = free_name(path.name, path.parent if str(path.parent) != "." else None)
            continue
        fmt = "html" if path.suffix.lower() in (".html", ".htm") else "markdown"
        try:
            write_output(path, render(fmt) if fmt == "html" else text, outcome.reads,
                         private=True)
        except GradationError as exc:
            asker.say(exc.message)
            continue
        return path
