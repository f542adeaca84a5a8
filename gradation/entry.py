"""The program's first instruction: the signal handlers are in place before the heavy imports
(typer, rich, pydantic take a few hundred milliseconds), so that Ctrl-C or TERM during start-up
ends with its exit code (130, 143) and a French sentence, never a traceback. This module
imports nothing slow: only what the interpreter has already loaded."""

from __future__ import annotations

import os
import signal
import sys


def _stop(message: str, code: int) -> None:
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # noqa: SIM105 - no import at this stage
        pass
    os._exit(code)  # nothing is open yet: no file can be left half written


def _on_interrupt(signum: int, frame: object) -> None:
    errors = sys.modules.get("gradation.errors")
    # what breaks after it is the interruption (cli's last resort); the module may be still
    # loading (the signal landed during its import): then it has nothing to flag yet
    interruption = getattr(errors, "Interruption", None)
    if interruption is not None:
        interruption.pressed = True
    raise KeyboardInterrupt


def _on_term(signum: int, frame: object) -> None:
    _stop("Arrêté (signal de fin).", 143)


def _install(handlers: dict[int, object]) -> None:
    for signum, handler in handlers.items():
        try:
            signal.signal(signum, handler)  # type: ignore[arg-type]
        except (ValueError, OSError, AttributeError):  # not the main thread
            continue


def main() -> None:
    _install({signal.SIGINT: _on_interrupt, signal.SIGTERM: _on_term})
    try:
        from gradation.cli import main as run
    except KeyboardInterrupt:
        _stop("Commande interrompue.", 130)
        return
    try:
        run()  # installs its own handlers, which unwind the program cleanly
    except KeyboardInterrupt:  # before those handlers were in place
        _stop("Commande interrompue.", 130)
    except BaseException as exc:
        if type(exc).__name__ == "Terminated":  # the CLI's TERM, outside its own handling
            _stop("Arrêté (signal de fin).", 143)
        raise
    finally:
        # the work is done (its exit code chosen): a signal now would only kill the
        # interpreter's last flush, silently, with a code that says nothing
        _install({signal.SIGINT: signal.SIG_IGN, signal.SIGTERM: signal.SIG_IGN})


if __name__ == "__main__":
    main()
