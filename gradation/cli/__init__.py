"""The command line: a thin layer that parses options, calls the layers below and prints.

Each command group lives in its own module; this one assembles them. Nothing imports the CLI.
Errors reach the user through `common.handled` (inside a command) or `main` (usage errors).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated

import typer

from gradation.cli import french
from gradation.cli.cases import cases_app
from gradation.cli.common import (
    APP_SETTINGS,
    Terminated,
    french_usage,
    print_error,
    utf8_streams,
)
from gradation.cli.orient import orient
from gradation.errors import EXIT_INTERRUPTED, EXIT_TERMINATED, Interruption

french.install()  # typer's and click's own words, in French
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
for _target in (app, consultation_app):
    _target.command("orient")(orient)
    _target.add_typer(cases_app, name="cases")

_registered = False


def full_app() -> typer.Typer:
    """The application with every command (coordinators', trainers'), registered on first use."""
    global _registered
    if _registered:
        return app
    _registered = True
    from gradation.cli import compare, kinds, quiz, sources, train
    from gradation.cli.config import config_app
    from gradation.cli.grid import grid_app
    from gradation.cli.importer import import_app
    from gradation.cli.resources import resources_app
    from gradation.cli.territory import territory_app

    app.command("model")(train.model_command)
    app.command("situations")(train.situations_command)
    app.command("show")(train.show_command)
    app.command("train")(quiz.train_command)
    app.command("compare")(compare.compare_command)
    app.command("sources")(sources.sources_command)
    app.command("kinds")(kinds.kinds_command)
    app.add_typer(grid_app, name="grid")
    app.add_typer(resources_app, name="resources")
    app.add_typer(territory_app, name="territory")
    app.add_typer(import_app, name="import")
    app.add_typer(config_app, name="config")
    return app


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors in French, Ctrl-C as a sentence, exit codes of the contract."""
    utf8_streams()
    _sane_terminal_size()
    _terminate_like_ctrl_c()
    args = sys.argv[1:] if argv is None else argv
    try:
        target = consultation_app if args[:1] == ["orient"] else full_app()
        code = target(args=args, standalone_mode=False, prog_name="gradation")
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        print_error(french_usage(exc) + "\n(gradation --help pour l'aide)")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt, EOFError):
        print_error("Commande interrompue.")
        sys.exit(EXIT_INTERRUPTED)
    except Terminated:
        print_error("Arrêté (signal de fin).")
        sys.exit(EXIT_TERMINATED)
    except BrokenPipeError:
        _silence_standard_output()
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the last resort: never a traceback for a user
        from gradation.core.text import visible

        if Interruption.terminated:  # TERM broke an import half-way: that is the stop
            print_error("Arrêté (signal de fin).")
            sys.exit(EXIT_TERMINATED)
        if Interruption.pressed:  # Ctrl-C broke an import half-way: that is the interruption
            print_error("Commande interrompue.")
            sys.exit(EXIT_INTERRUPTED)
        print_error(f"Erreur interne inattendue ({type(exc).__name__} : {visible(exc, 200)}). "
                    "Aucun fichier n'a été laissé à moitié écrit. Merci de la signaler avec la "
                    "commande lancée (sans données de patient).")
        sys.exit(1)
    _silence_standard_output()
    sys.exit(code if isinstance(code, int) else 0)


def _sane_terminal_size() -> None:
    """A COLUMNS below 20 (or not a number) is ignored: rich would print nothing at all, errors
    included; LINES likewise below 5."""
    import os

    for name, least in (("COLUMNS", 20), ("LINES", 5)):
        value = os.environ.get(name)
        if value is not None and not (value.strip().isdigit() and int(value) >= least):
            del os.environ[name]


def _silence_standard_output() -> None:
    """Flush standard output now; if it cannot take it (a closed pipe, a full disk), point it
    at the null device so that Python's own flush at exit prints no English complaint."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            import os

            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())


def _terminate_like_ctrl_c() -> None:
    """SIGTERM unwinds the program as Ctrl-C does, so that no temporary file is left."""
    import signal

    def stop(_signum: int, frame: object) -> None:
        Interruption.terminated = True
        code = getattr(frame, "f_code", None)
        if "importlib._bootstrap" in getattr(code, "co_filename", ""):
            # inside the import machinery (a lock's callback), a raised exception would be
            # « ignored » with a traceback and the run would go on: nothing is being written
            # while a module loads, so the program stops here
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write("Arrêté (signal de fin).\n")
                sys.stderr.flush()
            os._exit(143)
        raise Terminated

    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread
        signal.signal(signal.SIGTERM, stop)
