"""Atomic writes: a temporary file beside the target, then `os.replace` (Windows too)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from gradation.errors import GradationError


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace `path` with `text` (UTF-8) or bytes in one step, keeping its permissions."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise GradationError(f"écriture impossible dans {folder} : {exc.strerror}", 1) from None
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise GradationError(f"écriture impossible de {path} : {exc.strerror}", 1) from None
        raise


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
        raise GradationError(f"{path} : lecture impossible ({exc.strerror})") from None
