"""Atomic writes: a temporary file beside the target, then `os.replace` (Windows too)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from gradation.errors import GradationError, os_error_text

NOT_REGULAR = ("n'est pas un fichier ordinaire (un dossier, une FIFO, un périphérique comme "
               "/dev/zero ?) : rien n'est lu")


def regular_problem(path: Path, limit: int) -> str | None:
    """Why `path` is not read (not a regular file, too large), in French, or None. Checked
    before any read: a FIFO would block, a device would never end."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None  # the reader says « introuvable » in its own words
    except OSError as exc:
        return f"lecture impossible ({os_error_text(exc)})"
    if not stat.S_ISREG(info.st_mode):
        return "c'est un dossier, pas un fichier" if stat.S_ISDIR(info.st_mode) else NOT_REGULAR
    if info.st_size > limit:
        return (f"fichier trop volumineux ({info.st_size // (1024 * 1024)} Mo ; au plus "
                f"{limit // (1024 * 1024)} Mo)")
    return None


def require_regular(path: Path, limit: int = 64 << 20) -> None:
    """A GradationError (exit 2) when `path` is not a regular file of at most `limit` bytes."""
    problem = regular_problem(path, limit)
    if problem is not None:
        raise GradationError(f"{path} : {problem}")


def write_atomic(path: Path, text: str | bytes, private: bool = False) -> None:
    """Replace `path` with `text` (UTF-8) or bytes in one step (see `files.safe`)."""
    from gradation.files.safe import write_atomic as write

    write(path, text, private)


def read_text(path: Path, what: str) -> str:
    """A UTF-8 text file (with or without a byte-order mark), or a French error naming it."""
    require_regular(path)
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise GradationError(f"{what} introuvable : {path}") from None
    except UnicodeDecodeError as exc:
        raise GradationError(f"{path} : le fichier doit être en UTF-8 (octet 0x"
                             f"{exc.object[exc.start]:02x} à la position {exc.start})") from None
    except OSError as exc:
        raise GradationError(f"{path} : lecture impossible ({os_error_text(exc)})") from None
