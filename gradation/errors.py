"""The one error type shown to users, and the located problems of a file."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_INVALID = 1  # validation found errors (coordinator commands)
EXIT_USAGE = 2  # bad usage or bad answer
EXIT_GRID = 3  # a grid or territory does not load
EXIT_WRITE = 1  # a file cannot be written (the same code as EXIT_INVALID, by design)
EXIT_INTERRUPTED = 130


class Interruption:
    """Ctrl-C was pressed (the entry point's handler says so): whatever breaks after it, an
    import cut half-way for instance, is the interruption, not an internal error."""

    pressed = False
    terminated = False  # TERM was received
EXIT_TERMINATED = 143  # stopped by SIGTERM; temporary files removed as for Ctrl-C


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem of a file: an error, or a warning that does not block loading."""

    file: str
    line: int  # 1-based; 0 when unknown
    column: int  # 1-based; 0 when unknown
    message: str
    severity: str = "erreur"  # "erreur" or "avertissement"

    @property
    def is_error(self) -> bool:
        return self.severity == "erreur"

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        prefix = "" if self.is_error else "avertissement : "
        return f"{where}: {prefix}{self.message}"


class GradationError(Exception):
    """An error meant for the user: a French message and an exit code. No traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class LoadError(GradationError):
    """A grid or territory file that does not load; carries every problem found."""

    def __init__(self, problems: list[Problem], consequence: str = "le fichier ne peut pas être lu",
                 exit_code: int = EXIT_GRID) -> None:
        errors = [p for p in problems if p.is_error]
        lines = [str(p) for p in problems]
        lines.append(f"{count_text(len(errors), len(problems) - len(errors))} : {consequence}.")
        super().__init__("\n".join(lines), exit_code)
        self.problems = problems


def count_text(errors: int, warnings: int) -> str:
    """« 2 erreurs, 1 avertissement »."""
    text = f"{errors} erreur{'s' if errors > 1 else ''}"
    if warnings:
        text += f", {warnings} avertissement{'s' if warnings > 1 else ''}"
    return text


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


_OS_ERRORS = {
    errno.EISDIR: "est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EEXIST: "existe déjà",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EBUSY: "ressource occupée",
    errno.ELOOP: "trop de liens symboliques",
}


def os_error_text(exc: OSError) -> str:
    """A system error in French (« permission refusée »), never Python's English."""
    return _OS_ERRORS.get(exc.errno or 0, f"erreur système {exc.errno}")
