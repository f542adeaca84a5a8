"""Atomic writes: a temporary file beside the target, then `os.replace` (Windows too)."""

from __future__ import annotations

from pathlib import Path

from gradation.errors import GradationError, os_error_text


def write_atomic(path: Path, text: str | bytes, private: bool = False) -> None:
    """Replace `path` with `text` (UTF-8) or bytes in one step (see `files.safe`)."""
    from gradation.files.safe import write_atomic as write

    write(path, text, private)


def read_text(path: Path, what: str) -> str:
    """A UTF-8 text file (with or without a byte-order mark), or a French error naming it."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise GradationError(f"{what} introuvable : {path}") from None
    except UnicodeDecodeError as exc:
        raise GradationError(f"{path} : le fichier doit être en UTF-8 (octet 0x"
                             f"{exc.object[exc.start]:02x} à la position {exc.start})") from None
    except OSError as exc:
        raise GradationError(f"{path} : lecture impossible ({os_error_text(exc)})") from None
