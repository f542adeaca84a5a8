"""The command line: parses options, calls the core, prints. Errors are printed in `main` only."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from gradation.errors import EXIT_INTERRUPTED, GradationError

APP_SETTINGS = dict(
    name="gradation",
    help="Orienter un patient vers le bon niveau de soins en santé mentale "
    "(« le juste soin au bon moment »).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app = typer.Typer(**APP_SETTINGS)  # type: ignore[arg-type]


def _version(value: bool) -> None:
    if value:
        from gradation import __version__

        typer.echo(f"gradation {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Afficher la version et quitter.",
                                          callback=_version, is_eager=True)] = False,
) -> None:
    """Orienter un patient vers le bon niveau de soins en santé mentale (« le juste soin au
    bon moment »)."""


# The consultation's command alone, for `gradation orient …`: typer builds the options of every
# registered command at each start, and a GP runs this one between two patients.
consultation_app = typer.Typer(**APP_SETTINGS)  # type: ignore[arg-type]
cases_app = typer.Typer(help="Cas de référence : réponses → niveau et ressources attendus.",
                        no_args_is_help=True)
app.add_typer(cases_app, name="cases")
consultation_app.add_typer(cases_app, name="cases")


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class Document(str, Enum):
    resultat = "resultat"
    lettre = "lettre"
    fiche = "fiche"


GridsOption = Annotated[
    Optional[Path],
    typer.Option("--grids", help="Dossier de grilles adaptées (sinon GRADATION_GRIDS, sinon "
                 "les grilles fournies).", show_default=False),
]


def handled(fn: Callable[..., None]) -> Callable[..., None]:
    """The one place where user-facing errors become a French message and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            fn(*args, **kwargs)
        except GradationError as exc:
            _error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except (KeyboardInterrupt, EOFError):
            _error("Orientation interrompue.")
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return wrapper


def _grid(grids: Path | None):  # type: ignore[no-untyped-def]
    from gradation.files.grids import load_grid
    from gradation.files.locate import default_grids_dir

    return load_grid(grids or default_grids_dir())


def _stdout():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@consultation_app.command("orient")
@app.command()
@handled
def orient(
    situation: Annotated[Optional[str], typer.Option("--situation", "-s",
                         help="Identifiant de la situation (par exemple anxio-depression).",
                         show_default=False)] = None,
    territory: Annotated[Optional[str], typer.Option("--territory", "-t",
                         help="Identifiant d'un territoire fourni (demo) ou chemin d'un fichier.",
                         show_default=False)] = None,
    answer: Annotated[Optional[list[str]], typer.Option("--answer", "-a",
                      help="Réponse CLÉ=VALEUR (répétable ; l'emporte sur --answers).",
                      show_default=False)] = None,
    answers: Annotated[Optional[str], typer.Option("--answers",
                       help="Fichier de réponses YAML ou JSON (« - » : entrée standard).",
                       show_default=False)] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f",
                             help="Format de sortie.")] = OutputFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o",
                      help="Écrire le résultat dans ce fichier.", show_default=False)] = None,
    document: Annotated[Document, typer.Option("--document", "-d",
                        help="Avec markdown ou html : le résultat, le courrier d'adressage "
                        "(lettre) ou la fiche pour le patient (fiche).")] = Document.resultat,
    explain: Annotated[bool, typer.Option("--explain", help="Montrer chaque règle (appliquée "
                       "ou non, sur quelles réponses) et ce qui changerait le niveau.")] = False,
    grids: GridsOption = None,
) -> None:
    """Orienter un patient : niveau de recours, raisons, ressources locales.

    Dans un terminal, les questions sans réponse sont posées une à une ; sinon elles doivent
    toutes être données (--answer, --answers).
    """
    from gradation.consult import session

    outcome = session.orient(
        situation=situation,
        territory=territory,
        pairs=answer or [],
        answers_file=answers,
        output_format=output_format.value,
        output=output,
        grids=grids,
        interactive=answers != "-" and sys.stdin.isatty(),
        document=document.value,
        explain=explain,
    )
    session.emit(outcome)
    session.follow_up(outcome)


@cases_app.command("run")
@handled
def cases_run(
    file: Annotated[Path, typer.Argument(help="Fichier de cas (YAML).", show_default=False)],
    grids: GridsOption = None,
) -> None:
    """Rejouer des cas de référence ; une ligne par cas, puis « N passed, N failed »."""
    from rich.text import Text

    from gradation.files.cases import run_cases

    grid = _grid(grids)
    console = _stdout()
    console.soft_wrap = True
    passed = failed = 0
    for outcome in run_cases(file, grid):
        if outcome.passed:
            passed += 1
            console.print(Text("✓ ", style="green").append(outcome.name))
        else:
            failed += 1
            console.print(Text("✗ ", style="red").append(f"{outcome.name} — {outcome.detail}"))
    console.print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


_registered = False


def full_app() -> typer.Typer:
    """The application with every command (coordinators', trainers'), registered on first use."""
    global _registered
    if _registered:
        return app
    _registered = True
    from gradation.cli import train as cli_train  # noqa: F401 - registers model, situations, show, train
    from gradation.cli.coord import grid_app, import_app, resources_app, territory_app

    app.add_typer(grid_app, name="grid")
    app.add_typer(resources_app, name="resources")
    app.add_typer(territory_app, name="territory")
    app.add_typer(import_app, name="import")
    return app


def _french_usage(exc: typer.TyperException) -> str:
    """Typer's usage errors (English) as a French sentence."""
    from gradation.core.suggest import suggest

    kind = type(exc).__name__
    param = getattr(exc, "param", None)
    names = " / ".join(getattr(param, "opts", None) or []) or getattr(exc, "param_hint", "") or ""
    if kind == "NoSuchOption":
        option = getattr(exc, "option_name", "")
        return f"option inconnue : {option}{suggest(option, getattr(exc, 'possibilities', []) or [])}"
    if kind == "MissingParameter":
        return f"paramètre manquant : {names}"
    if kind == "BadParameter":
        return f"valeur invalide pour {names} : {exc.format_message()}"
    if kind == "NoArgsIsHelpError":
        return "commande incomplète"
    return f"utilisation incorrecte : {exc.format_message()}"


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors in French, Ctrl-C as a sentence, exit codes of the contract."""
    _utf8_streams()
    args = sys.argv[1:] if argv is None else argv
    target = consultation_app if args[:1] == ["orient"] else full_app()
    try:
        code = target(args=args, standalone_mode=False, prog_name="gradation")
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        _error(_french_usage(exc) + "\n(gradation --help pour l'aide)")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt, EOFError):
        _error("Orientation interrompue.")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _utf8_streams() -> None:
    """Write UTF-8 when the output is a file or a pipe whose encoding cannot hold our text
    (a Windows redirection defaults to cp1252, which has no « ≥ »)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8")
            except (ValueError, OSError):  # pragma: no cover - exotic streams
                pass


def _error(message: str) -> None:
    from rich.console import Console
    from rich.text import Text

    Console(stderr=True, highlight=False, soft_wrap=True).print(Text(message, style="red"))
