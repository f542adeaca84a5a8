"""A cache of validated grids and territories, keyed by the content of their files.

Loading a large territory means parsing YAML and validating every entry; the result depends only
on the files' bytes, the program's version and today's date (freshness warnings). It is kept,
pickled, in the user's cache directory and reused while none of these change. It never holds an
answer: only grids and territories go in. Any problem with the cache falls back to loading the
files.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from gradation import __version__

T = TypeVar("T")
FORMAT = "1"


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
                stat = os.stat(os.path.join(folder, name))
                parts.append(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
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


MAGIC = b"gradation-cache\n"


def cached(files: list[Path], extra: str, build: Callable[[], T], kind: type) -> T:
    """`build()`, or its value from the cache when the files have not changed.

    The key is computed before and after building: a file edited meanwhile is not stored under
    the old key. Each entry carries a checksum and its type is checked on load; any problem
    means a rebuild, never a wrong value."""
    folder = cache_dir()
    name = key(files, extra) if folder is not None else None
    if folder is None or name is None:
        return build()
    path = folder / f"{name}.pickle"
    enabled = gc.isenabled()
    gc.disable()  # bulk loads are several times faster without the cyclic collector
    try:
        found = _load(path, kind)
        if found is not None:
            return found
        value = build()
        if key(files, extra) == name:
            _store(folder, path, value)
        return value
    finally:
        if enabled:
            gc.freeze()  # the loaded objects live until the end: never scan them again
            gc.enable()


def _load(path: Path, kind: type) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 32:
        return None
    digest, payload = data[len(MAGIC):len(MAGIC) + 32], data[len(MAGIC) + 32:]
    if hashlib.blake2b(payload, digest_size=32).digest() != digest:
        return None  # a damaged entry: rebuilt
    try:
        value = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - any unreadable entry is rebuilt
        return None
    return value if isinstance(value, kind) else None


def _store(folder: Path, path: Path, value: Any) -> None:
    from gradation.errors import GradationError
    from gradation.files.safe import write_atomic

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.blake2b(payload, digest_size=32).digest()
        write_atomic(path, MAGIC + digest + payload, private=True)
        for old in sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime)[:-32]:
            old.unlink(missing_ok=True)  # keep the cache small
    except (OSError, GradationError, pickle.PicklingError):
        pass  # a cache that cannot be written is only slower
