"""The program's first instruction: the signal handlers are in place before the heavy imports
(typer, rich, pydantic take a few hundred milliseconds), so that Ctrl-C or TERM during start-up
ends with its exit code (130, 143) and a French sentence, never a traceback."""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from gradation.errors import Interruption


def _stop(message: str, code: int) -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    os._exit(code)  # nothing is open yet: no file can be left half written


def _on_interrupt(signum: int, frame: object) -> None:
    Interruption.pressed = True
    raise KeyboardInterrupt


def main() -> None:
    def on_term(_signum: int, _frame: object) -> None:
        _stop("Arrêté (signal de fin).", 143)

    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread
        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, _on_interrupt)
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
        with contextlib.suppress(ValueError, OSError, AttributeError):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)


if __name__ == "__main__":
    main()
