"""A cache of validated territories, keyed by the content of their files.

Loading a large territory means parsing YAML and validating every entry; the result depends only
on the files' bytes, the program's version and today's date (freshness warnings). It is kept in
the user's cache directory and reused while none of these change. It never holds an answer.

Nothing read from the cache can run code: an entry is JSON, validated again by the territory's
own schema when it is read (no pickle). The cache is used only in a folder and from files that
are the user's own and that nobody else may write (POSIX); a link, a FIFO or a device is never
read; an entry names the key it was stored under, so that a file moved to another name is not
taken for it. Anything doubtful means building from the files, in memory; a folder that is not
the user's own is never written to. Grids are not cached: they load in a few milliseconds.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from gradation import __version__

T = TypeVar("T")
FORMAT = "2"  # 1 was a pickle: never read again
MAX_ENTRY = 512 * 1024 * 1024  # an entry larger than this is not read


def cache_dir() -> Path | None:
    """GRADATION_CACHE_DIR, else the platform's cache folder; None with GRADATION_NO_CACHE."""
    if os.environ.get("GRADATION_NO_CACHE"):
        return None
    override = os.environ.get("GRADATION_CACHE_DIR")
    if override:
        return Path(override) / f"v{FORMAT}"
    from platformdirs import user_cache_path

    return user_cache_path("gradation", appauthor=False) / f"v{FORMAT}"


def grid_files(root: Path) -> list[Path]:
    return [root / "model.yaml", root / "common.yaml",
            *sorted((root / "situations").glob("*.yaml"))]


def _code_fingerprint() -> str:
    """The program's own files (size and date), every subpackage included: a changed program
    never reads an old cache."""
    package = Path(__file__).resolve().parents[1]
    parts = []
    for folder, dirs, files in os.walk(package):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                parts.append(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def key(files: list[Path], extra: str = "") -> str | None:
    digest = hashlib.blake2b(f"{__version__}|{FORMAT}|{extra}|{_code_fingerprint()}".encode(),
                             digest_size=20)
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            return None  # let the real loader report it
        digest.update(str(path.resolve()).encode("utf-8", "surrogatepass"))
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _own(st: os.stat_result) -> bool:
    """The user's own, and writable by nobody else (POSIX; elsewhere the user's profile)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return st.st_uid == getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def trusted_folder(folder: Path, create: bool) -> bool:
    """The cache folder is a real folder of the user's own that nobody else may write."""
    try:
        if create and not os.path.lexists(folder):
            folder.mkdir(parents=True, mode=0o700)
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _own(st)


def cached(files: list[Path], extra: str, build: Callable[[], T],
           encode: Callable[[T], Any], decode: Callable[[Any], T]) -> T:
    """`build()`, or its value from the cache when the files have not changed.

    `encode` makes JSON-ready data of a value, `decode` validates such data back into one (and
    raises on anything wrong). The key is computed before and after building: a file edited
    meanwhile is not stored under the old key."""
    folder = cache_dir()
    name = key(files, extra) if folder is not None else None
    if folder is None or name is None:
        return build()
    path = folder / f"{name}.json"
    enabled = gc.isenabled()
    gc.disable()  # bulk loads are several times faster without the cyclic collector
    try:
        trusted = trusted_folder(folder, create=True)
        found = _load(path, name, decode) if trusted else None
        if found is not None:
            return found
        value = build()
        if trusted and key(files, extra) == name:
            _store(folder, path, name, encode(value))
        return value
    finally:
        if enabled:
            gc.freeze()  # the loaded objects live until the end: never scan them again
            gc.enable()


def _read_own(path: Path) -> bytes | None:
    """The bytes of a regular file of the user's own, never through a link."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(
        os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _own(st) or st.st_size > MAX_ENTRY:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_ENTRY + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _load(path: Path, name: str, decode: Callable[[Any], T]) -> T | None:
    data = _read_own(path)
    if data is None or len(data) > MAX_ENTRY:
        return None
    try:
        entry = json.loads(data)
        if not isinstance(entry, dict) or entry.get("key") != name:
            return None  # another entry moved here, or not ours
        return decode(entry["value"])
    except Exception:  # noqa: BLE001 - any unreadable entry is rebuilt from the files
        return None


def _store(folder: Path, path: Path, name: str, value: Any) -> None:
    from gradation.errors import GradationError
    from gradation.files.safe import write_atomic

    try:
        payload = json.dumps({"key": name, "value": value}, ensure_ascii=False,
                             separators=(",", ":")).encode("utf-8")
        write_atomic(path, payload, private=True, record=False)  # not the user's file
        entries = [p for p in folder.glob("*.json") if not p.is_symlink()]
        for old in sorted(entries, key=lambda p: p.stat().st_mtime)[:-32]:
            old.unlink(missing_ok=True)  # keep the cache small
    except (OSError, GradationError, TypeError, ValueError):
        pass  # a cache that cannot be written is only slower
