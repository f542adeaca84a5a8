"""Writing the files a person keeps, without ever losing one.

Every write of a user's file goes through here:

- `editing(path)` locks the file for the whole read-change-write (an advisory lock: two
  `gradation` commands on one file run one after the other), reads it once, and `replace()`
  writes the new text atomically beside the real target (symlinks followed), keeping the file's
  mode, owner and group, its byte-order mark and its line endings, and refuses when the bytes on
  disk changed since they were read (an editor saved meanwhile);
- `write_output(path, text, reads)` writes a command's output: `-` is standard output, a
  character device is written in place, a symlink is followed, anything else that is not a
  regular file is refused, and so is a file that the same command reads.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gradation.core.text import shared_ends
from gradation.errors import EXIT_WRITE, GradationError, os_error_text

BOM = b"\xef\xbb\xbf"

def write_error(path: Path | str, exc: OSError) -> GradationError:
    return GradationError(f"écriture impossible de {path} : {os_error_text(exc)}", EXIT_WRITE)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A file as read under its lock: the real path, the bytes, and how to write it back."""

    shown: Path  # the path as the user gave it
    path: Path  # the real file (symlinks followed)
    data: bytes

    @property
    def bom(self) -> bool:
        return self.data.startswith(BOM)

    @property
    def text(self) -> str:
        """The content as text: without its BOM, with « \\n » line endings."""
        try:
            text = self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise GradationError(f"{self.shown} : le fichier doit être en UTF-8 (octet 0x"
                                 f"{exc.object[exc.start]:02x} à la position {exc.start})",
                                 3) from None
        return text.replace("\r\n", "\n")

    def encode(self, text: str) -> bytes:
        """New text in the file's own style: its BOM, and each line's ending kept where the
        line was kept (a file with a few CRLF lines is not rewritten whole); a new line takes
        the file's most common ending."""
        data = _line_endings(self.data.decode("utf-8-sig", "replace"),
                             text.replace("\r\n", "\n")).encode("utf-8")
        return BOM + data if self.bom else data


def _split(text: str) -> tuple[list[str], list[str]]:
    """Lines without their endings, and the endings (« » for a last line without one)."""
    parts = text.split("\n")
    bodies, ends = [], []
    for n, part in enumerate(parts):
        last = n + 1 == len(parts)
        if last and not part:
            break
        crlf = part.endswith("\r") and not last
        bodies.append(part[:-1] if crlf else part)
        ends.append("" if last else "\r\n" if crlf else "\n")
    return bodies, ends


def _line_endings(old: str, new: str) -> str:
    """`new` (with « \\n » endings) written with the endings of `old` on the lines they share:
    the common head and tail are matched line by line, the lines between take the most common
    ending."""
    old_lines, old_ends = _split(old)
    new_lines, new_ends = _split(new)
    usual = "\r\n" if old_ends.count("\r\n") > old_ends.count("\n") else "\n"
    ends = [usual if end else "" for end in new_ends]
    head, tail = shared_ends(old_lines, new_lines)
    shared = [*((k, k) for k in range(head)),
              *((len(old_lines) - 1 - k, len(new_lines) - 1 - k) for k in range(tail))]
    for i, j in shared:
        if ends[j] and old_ends[i]:
            ends[j] = old_ends[i]
    return "".join(line + end for line, end in zip(new_lines, ends, strict=True))


def real_path(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _check_writable(shown: Path, target: Path) -> os.stat_result:
    try:
        info = os.stat(target)
    except FileNotFoundError:
        raise GradationError(f"fichier introuvable : {shown}", 2) from None
    except OSError as exc:
        raise GradationError(f"{shown} : {os_error_text(exc)}", 2) from None
    if stat.S_ISDIR(info.st_mode):
        raise GradationError(f"{shown} est un dossier, pas un fichier", 2)
    if not stat.S_ISREG(info.st_mode):
        raise GradationError(f"{shown} n'est pas un fichier ordinaire", 2)
    if not info.st_mode & stat.S_IWUSR:
        raise GradationError(f"{shown} est en lecture seule : rien n'a été écrit (rendez-le "
                             "modifiable d'abord)", EXIT_WRITE)
    return info


@contextlib.contextmanager
def editing(path: Path) -> Iterator[Snapshot]:
    """Lock `path` (its real target) and read it; `replace()` may then write it back."""
    shown = Path(path)
    target = real_path(shown)
    _check_writable(shown, target)
    with _locked(target):
        _remove_stale_temporaries(target)
        try:
            data = target.read_bytes()
        except OSError as exc:
            raise GradationError(f"{shown} : lecture impossible ({os_error_text(exc)})",
                                 2) from None
        yield Snapshot(shown, target, data)


def replace(snapshot: Snapshot, text: str) -> None:
    """Write `text` over the snapshot's file, in its style, if nobody changed it meanwhile."""
    try:
        current = snapshot.path.read_bytes()
    except OSError as exc:
        raise write_error(snapshot.shown, exc) from None
    if current != snapshot.data:
        raise GradationError(f"{snapshot.shown} a été modifié par un autre programme pendant la "
                             "commande : rien n'a été écrit ; relancez la commande", EXIT_WRITE)
    write_atomic(snapshot.path, snapshot.encode(text))


class Writes:
    """What this run has written: the files replaced, and the one being replaced (its target
    and the new content's inode), so that an interruption says the truth about the file."""

    done: list[Path] = []
    pending: tuple[Path, int] | None = None

    @classmethod
    def since(cls, count: int) -> list[Path]:
        """The files written since `count` writes — the one being replaced included when the
        replacement did happen (its inode is the new content's)."""
        written = list(cls.done[count:])
        if cls.pending is not None:
            target, inode = cls.pending
            with contextlib.suppress(OSError):
                if os.stat(target).st_ino == inode and target not in written:
                    written.append(target)
        return written


def write_atomic(path: Path, data: str | bytes, private: bool = False,
                 record: bool = True) -> None:
    """Replace `path` in one step: a temporary file beside the real target, then `os.replace`
    (Windows too). The file's mode, owner and group are kept where the system allows it;
    `private` makes a new file readable by its owner only. `record`: a file of the user's,
    named after an interruption (not the tool's own cache)."""
    target = real_path(Path(path))
    folder = target.parent
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise GradationError(f"écriture impossible dans {folder} : {os_error_text(exc)}",
                             EXIT_WRITE) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_ownership(tmp, info, private)
        if record:
            Writes.pending = (target, os.stat(tmp).st_ino)
        os.replace(tmp, target)
        if record:
            Writes.done.append(target)
        Writes.pending = None
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise write_error(path, exc) from None
        raise


def _copy_ownership(tmp: str, info: os.stat_result | None, private: bool) -> None:
    if info is None:
        if not private:  # a new file: the usual permissions (mkstemp makes it 0600)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        return
    # a private file stays readable by its owner only, even where it replaces a shared one
    os.chmod(tmp, 0o600 if private else stat.S_IMODE(info.st_mode))
    if hasattr(os, "chown"):
        with contextlib.suppress(OSError):  # only root may give a file away
            os.chown(tmp, info.st_uid, info.st_gid)


def write_output(path: Path, text: str | bytes, reads: Iterable[Path] = (),
                 private: bool = False) -> None:
    """Write what a command produced to `path` (`-`: standard output); `private`: readable by
    its owner only (mode 600), for what is about a patient (a result, a letter, a sheet)."""
    name = str(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    if name == "-":
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except (AttributeError, ValueError):  # standard output closed (>&-)
            raise GradationError("sortie standard fermée : rien n'a pu être écrit",
                                 EXIT_WRITE) from None
        except OSError as exc:
            raise GradationError(f"écriture impossible sur la sortie standard : "
                                 f"{os_error_text(exc)}", EXIT_WRITE) from None
        return
    if not name.strip() or name == ".":
        raise GradationError("nom de fichier vide : donnez un nom de fichier après --output "
                             "(ou « - » pour la sortie standard)", 2)
    target = real_path(Path(path))
    if target in {real_path(Path(r)) for r in reads}:
        raise GradationError(f"{path} est lu par cette commande (territoire, grille ou "
                             "réponses) : écrivez le résultat dans un autre fichier", 2)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        write_atomic(target, data, private)
        return
    except OSError as exc:
        raise write_error(path, exc) from None
    if stat.S_ISCHR(info.st_mode):  # /dev/stdout, a terminal: written in place
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise write_error(path, exc) from None
        return
    _check_writable(Path(path), target)
    write_atomic(target, data, private)


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files left by a writer that was killed (we hold the lock: none is in use)."""
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        lock = target.with_name(f".{target.name}.lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT)
        try:
            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
            yield
        finally:
            with contextlib.suppress(OSError):
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            os.close(fd)
    else:
        import fcntl

        while True:
            fd = os.open(target, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.fstat(fd).st_ino == os.stat(target).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the file was replaced while we waited: lock the new one
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
