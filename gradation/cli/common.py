"""What every command module shares: the app settings, the error handler, the consoles and
the options that recur. Nothing below the CLI imports this module."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from gradation.errors import EXIT_INTERRUPTED, EXIT_TERMINATED, GradationError, os_error_text

if TYPE_CHECKING:
    from gradation.core.model import Grid, Territory
    from gradation.present.terminal import TidyConsole

APP_SETTINGS = dict(
    name="gradation",
    help="Orienter un patient vers le bon niveau de soins en santé mentale "
    "(« le juste soin au bon moment »).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    subcommand_metavar="COMMANDE [ARGUMENTS]…",
)
SUBCOMMANDS = "COMMANDE [ARGUMENTS]…"
# The answers of `orient` and `compare`.
AnswerOption = Annotated[Optional[list[str]], typer.Option(
    "--answer", "-a", help="Réponse CLÉ=VALEUR (répétable ; l'emporte sur --answers).",
    show_default=False)]
AnswersFileOption = Annotated[Optional[str], typer.Option(
    "--answers", help="Fichier de réponses YAML ou JSON (« - » : entrée standard).",
    show_default=False)]

# Where a page goes (trainer pages, the quiz's handout): a file written in UTF-8, whatever the
# shell (Windows PowerShell's « > » would write UTF-16).
OutputOption = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="Écrire dans ce fichier (UTF-8) plutôt que sur la sortie standard.",
    show_default=False)]

# An existing file is never replaced by a page unless the user says so.
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Remplacer le fichier de --output s'il existe déjà.")]

# Every command that changes a file can show what it would change first.
DryRunOption = Annotated[bool, typer.Option(
    "--dry-run", help="Montrer les changements (diff) sans rien écrire.")]


def print_diff(diff: list[str]) -> None:
    """What a --dry-run would have changed, then that nothing was written."""
    print_lines([*(diff or ["Aucun changement."]),
                 "Simulation (--dry-run) : rien n'a été écrit."])


GridsOption = Annotated[
    Optional[Path],
    typer.Option(
        "--grids",
        help="Dossier de grilles adaptées (sinon GRADATION_GRIDS, sinon les grilles fournies).",
        show_default=False,
    ),
]


# What Ctrl-C interrupted, by command (the function's name); « Commande interrompue. » else.
INTERRUPTED = {
    "orient": "Orientation interrompue.",
    "resources_add": "Ajout interrompu : le fichier n'a pas été modifié.",
    "resources_edit": "Modification interrompue : le fichier n'a pas été modifié.",
    "resources_remove": "Retrait interrompu : le fichier n'a pas été modifié.",
    "train_command": "Quiz interrompu.",
    "import_finess": "Import interrompu : aucun fichier n'a été écrit.",
    "cases_run": "Cas de référence interrompus.",
    "grid_check": "Preuves interrompues.",
}


class Terminated(BaseException):
    """SIGTERM, raised in the main thread: unwinds like Ctrl-C (temporary files removed)."""


def _interrupted(command: str, written: list[Path]) -> str:
    """What Ctrl-C interrupted, and the truth about the files: checked, not assumed (an
    interruption just after a write does not say « pas modifié »)."""
    message = INTERRUPTED.get(command, "Commande interrompue.")
    if not written:
        return message
    head = message.split(" : ")[0].rstrip(".")
    return (f"{head} après l'écriture : {', '.join(map(str, written))} a été modifié, en entier "
            "(jamais à moitié).")


def handled(fn: Callable[..., None]) -> Callable[..., None]:
    """The one place where user-facing errors become a French message and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> None:
        from gradation.files.safe import Writes

        count = len(Writes.done)
        try:
            fn(*args, **kwargs)
        except GradationError as exc:
            print_error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except (KeyboardInterrupt, EOFError):
            print_error(_interrupted(fn.__name__, Writes.since(count)))
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Terminated:
            written = Writes.since(count)
            print_error("Arrêté (signal de fin) : rien n'a été écrit à moitié."
                        + (f" {', '.join(map(str, written))} : écrit en entier juste avant."
                           if written else ""))
            raise typer.Exit(EXIT_TERMINATED) from None
        except OSError as exc:  # the terminal or a stream that cannot take the output

            print_error(f"écriture impossible : {os_error_text(exc)}")
            raise typer.Exit(1) from None

    return wrapper


def grid_from(grids: Path | None) -> Grid:
    from gradation.files.grids import load_grid
    from gradation.files.locate import default_grids_dir

    return load_grid(grids or default_grids_dir())


def stdout_console() -> TidyConsole:
    """Standard output: the terminal's width, or wide enough when piped; no trailing spaces."""
    from gradation.present.terminal import console

    return console(soft_wrap=False)


def top_keys(path: Path) -> set[str]:
    """The top-level keys of a YAML file, read as text from its first 64 KiB (the check that
    follows parses it once), to tell a territory from vignettes or cases; none when unreadable."""
    import re

    from gradation.files.atomic import regular_problem

    if regular_problem(path, 1 << 40) is not None:
        return set()  # a FIFO or a device is never opened here
    try:
        with path.open("rb") as stream:
            head = stream.read(65536).decode("utf-8", "replace")
    except OSError:
        return set()
    return set(re.findall(r"^([A-Za-z_][\w-]*)\s*:", head, re.MULTILINE))


def page_console(output: Path | None) -> TidyConsole:
    """Standard output, or, for --output, plain text 100 columns wide (see `emit_console`)."""
    if output is None or str(output) == "-":
        return stdout_console()
    from io import StringIO

    from gradation.present.terminal import console

    return console(file=StringIO(), width=100, no_color=True, color_system=None,
                   soft_wrap=False)


def emit(text: str, output: Path | None, force: bool = False) -> None:
    """A page to standard output, or atomically to the --output file (then said on stderr);
    an existing file is replaced only with `force` (a territory is never lost to `-o`)."""
    from gradation.files.safe import write_output

    if output is not None and str(output) != "-" and not force:
        refuse_existing(output)
    write_output(output or Path("-"), text)
    if output is not None and str(output) != "-":
        sys.stderr.write(f"Écrit dans {output}\n")


def emit_console(console: TidyConsole, output: Path | None, force: bool = False) -> None:
    """What a `page_console` gathered for --output, written to its file."""
    from io import StringIO

    if isinstance(console.file, StringIO):
        emit(console.file.getvalue(), output, force)


def refuse_existing(output: Path) -> None:
    """Exit 2 when --output names a file that exists (a device such as /dev/stdout is fine)."""
    import stat

    try:
        info = output.stat()
    except OSError:
        return
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        raise GradationError(f"{output} existe déjà : rien n'a été écrit (choisissez un autre "
                             "nom, ou ajoutez --force pour le remplacer)")


def print_lines(lines: list[str]) -> None:
    """Plain lines on standard output, never read as markup, control characters made
    visible."""
    from gradation.present import lists

    lists.print_lines(stdout_console(), lines)


def grids_root(grids: Path | None) -> Path:
    from gradation.files.locate import default_grids_dir

    return grids or default_grids_dir()


TerritoryFileOption = Annotated[
    Optional[Path],
    typer.Option(
        "--territory",
        "-t",
        help="Fichier de territoire (par défaut : le territoire configuré).",
        show_default=False,
    ),
]


def territory_path(path: Path | None, grids: Path | None) -> Path:
    """The territory file that a command edits: never one shipped with gradation (the demo is
    fictional and would be replaced by the next update)."""
    from gradation.files.locate import resolve_territory

    chosen = path or resolve_territory(None, grids_root(grids))
    shipped = grids_root(None).resolve()
    if chosen.resolve().is_relative_to(shipped):
        raise GradationError(f"{chosen} est un territoire fourni avec gradation (fictif, en "
                             "lecture seule) : créez le vôtre avec « gradation territory init », "
                             "puis choisissez-le avec « gradation territory use »")
    return chosen


def load_territory_option(path: Path | None, grids: Path | None) -> tuple[Grid, Territory]:
    from gradation.files.territories import load_territory

    grid = grid_from(grids)
    return grid, load_territory(territory_path(path, grids), grid)


_PHRASES = (  # click's and pydantic's English phrases, as they reach a usage error
    (r"'([^']*)' is not one of (.*?)\.?$", lambda m: f"« {m[1]} » n'est pas l'une des valeurs "
     f"acceptées ({m[2].replace(chr(39), '').replace(' or ', ', ')})"),
    (r"Input should be a valid integer.*", lambda m: "un nombre entier est attendu"),
    (r"Input should be a valid number.*", lambda m: "un nombre est attendu"),
    (r"Input should be greater than or equal to (\S+)", lambda m: f"au moins {m[1]}"),
    (r"Input should be less than or equal to (\S+)", lambda m: f"au plus {m[1]}"),
    (r"Input should be a valid boolean.*", lambda m: "oui ou non est attendu"),
    (r".*is not a valid integer.*", lambda m: "un nombre entier est attendu"),
    (r".*is not a valid float.*", lambda m: "un nombre est attendu"),
)


def _french_reason(message: str) -> str:
    import re

    text = re.sub(r"^Invalid value for [^:]*:\s*", "", message).removeprefix("Value error, ")
    for pattern, french in _PHRASES:
        found = re.search(pattern, text)
        if found:
            return french(found)
    return "valeur refusée"


def french_usage(exc: typer.TyperException) -> str:
    """Typer's and click's usage errors as French sentences (their English never shown)."""
    import re

    from gradation.core.suggest import suggest

    kind = type(exc).__name__
    param = getattr(exc, "param", None)
    names = " / ".join(getattr(param, "opts", None) or []) or getattr(exc, "param_hint", "") or ""
    message = exc.format_message()
    if kind == "NoSuchOption":
        option = getattr(exc, "option_name", "")
        return (
            f"option inconnue : {option}{suggest(option, getattr(exc, 'possibilities', []) or [])}"
        )
    if kind == "MissingParameter":
        return f"paramètre manquant : {names}"
    if kind == "BadParameter":
        return f"valeur invalide pour {names} : {_french_reason(message)}"
    if kind == "NoArgsIsHelpError":
        return "commande incomplète"
    if found := re.match(r"Option '([^']+)' requires an argument", message):
        return f"l'option {found[1]} attend une valeur"
    if found := re.match(r"(?:No such command|Commande inconnue :) '([^']*)'", message):
        group = getattr(getattr(exc, "ctx", None), "command", None)
        commands = list(getattr(group, "commands", None) or [])
        return f"commande inconnue : {found[1]}{suggest(found[1], commands)}"
    if found := re.match(r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)", message):
        return f"argument en trop : {found[1]}"
    return "utilisation incorrecte de la commande"


def utf8_streams() -> None:
    """Write UTF-8 when the output is a file or a pipe whose encoding cannot hold our text
    (a Windows redirection defaults to cp1252, which has no « ≥ »)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):  # exotic streams
                stream.reconfigure(encoding="utf-8")


def print_error(message: str) -> None:
    """One message on standard error, never read as markup (nor lost if it cannot be shown)."""
    with contextlib.suppress(OSError, ValueError, AttributeError, ImportError):
        from gradation.present.lists import print_error as show

        show(message)
