"""Safe YAML reading that remembers where every value stands in the file.

Mappings load as `MarkedDict` and sequences as `MarkedList`: plain containers that also carry the
line and column of each key and value, so that validation can point at the exact place of a
problem. Duplicate keys, which plain PyYAML silently overwrites, are reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

try:  # libyaml's C parser when present: the same results, several times faster.
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

MAX_FILE_BYTES = 64 * 1024 * 1024
Position = tuple[int, int]  # 1-based line and column


class MarkedDict(dict):
    """A dict that knows where it, its keys and its values stand in the source file."""

    __slots__ = ("pos", "key_pos", "value_pos")

    def __init__(self) -> None:
        super().__init__()
        self.pos: Position = (0, 0)
        self.key_pos: dict[Any, Position] = {}
        self.value_pos: dict[Any, Position] = {}


class MarkedList(list):
    """A list that knows where it and each of its items stand in the source file."""

    __slots__ = ("pos", "item_pos")

    def __init__(self) -> None:
        super().__init__()
        self.pos: Position = (0, 0)
        self.item_pos: list[Position] = []


def _pos(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    def __init__(self, stream: str, filename: str) -> None:
        super().__init__(stream)
        self.filename = filename
        self.problems: list[Problem] = []


def _construct_map(loader: _Loader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data = MarkedDict()
    data.pos = _pos(node)
    yield data
    seen: dict[Any, Position] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            loader.problems.append(
                Problem(loader.filename, *_pos(key_node), "une clé doit être un texte simple")
            )
            continue
        if key in seen:
            line = seen[key][0]
            loader.problems.append(
                Problem(
                    loader.filename,
                    *_pos(key_node),
                    f"clé « {key} » en double (déjà présente ligne {line}) : "
                    "gardez une seule des deux",
                )
            )
        else:
            seen[key] = _pos(key_node)
    loader.flatten_mapping(node)  # resolves `<<` merge keys; explicit keys win
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            continue
        value = loader.construct_object(value_node, deep=True)
        data[key] = value  # merged keys come first: explicit keys win
        data.key_pos[key] = _pos(key_node)
        data.value_pos[key] = _pos(value_node)
    # A key written twice keeps its first position, so that the report points at both lines.
    for key, where in seen.items():
        data.key_pos[key] = where


def _construct_seq(loader: _Loader, node: yaml.SequenceNode):  # type: ignore[no-untyped-def]
    data = MarkedList()
    data.pos = _pos(node)
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_pos.append(_pos(item))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)

_YAML_PROBLEMS_FR = {
    "found character '\\t' that cannot start any token": (
        "tabulation interdite en YAML : indentez avec des espaces"
    ),
    "mapping values are not allowed here": (
        "« : » inattendu : mettez le texte entre guillemets ou corrigez l'indentation"
    ),
    "could not find expected ':'": "« : » attendu après la clé",
    "found undefined alias": "alias inconnu (aucune ancre « & » de ce nom)",
}


def decode_text(raw: bytes, filename: str) -> str:
    """UTF-8 text (with or without a byte-order mark), or a located error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ProblemsFound(
            [
                Problem(
                    filename,
                    line,
                    column,
                    f"le fichier n'est pas en UTF-8 (octet 0x{raw[exc.start]:02x}) : "
                    "enregistrez-le en UTF-8",
                )
            ]
        ) from None


class ProblemsFound(Exception):
    """Raised by the readers when a file cannot be read at all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def parse_yaml(text: str, filename: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return the data and the problems found while building it."""
    if "\x00" in text:
        raise ProblemsFound([Problem(filename, 1, 1, "fichier binaire : ce n'est pas du YAML")])
    loader = _Loader(text, filename)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = str(exc.problem or exc.context or "")
        message = _YAML_PROBLEMS_FR.get(detail, f"syntaxe YAML invalide ({detail})")
        if "tab" in detail:
            message = _YAML_PROBLEMS_FR["found character '\\t' that cannot start any token"]
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ProblemsFound([Problem(filename, line, column, message)]) from None
    except yaml.YAMLError as exc:
        raise ProblemsFound([Problem(filename, 0, 0, f"YAML illisible ({exc})")]) from None
    except RecursionError:
        raise ProblemsFound(
            [Problem(filename, 0, 0, "structure YAML trop profondément imbriquée")]
        ) from None
    finally:
        loader.dispose()
    return data, loader.problems


def read_yaml(path: Path, filename: str | None = None) -> tuple[Any, list[Problem]]:
    """Read a YAML file from disk (UTF-8, size-limited)."""
    name = filename or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProblemsFound(
                [
                    Problem(
                        name,
                        0,
                        0,
                        f"fichier trop volumineux ({size // (1024 * 1024)} Mo ; "
                        f"au plus {MAX_FILE_BYTES // (1024 * 1024)} Mo)",
                    )
                ]
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProblemsFound([Problem(name, 0, 0, "fichier introuvable")]) from None
    except IsADirectoryError:
        raise ProblemsFound([Problem(name, 0, 0, "c'est un dossier, pas un fichier")]) from None
    except OSError as exc:
        raise ProblemsFound([Problem(name, 0, 0, f"lecture impossible ({exc.strerror})")]) from None
    return parse_yaml(decode_text(raw, name), name)


def position(container: Any, key: Any) -> Position:
    """Where `container[key]` stands, falling back to the container itself."""
    if isinstance(container, MarkedDict):
        return container.value_pos.get(key, container.pos)
    if isinstance(container, MarkedList):
        if isinstance(key, int) and 0 <= key < len(container.item_pos):
            return container.item_pos[key]
        return container.pos
    return (0, 0)


def key_position(container: Any, key: Any) -> Position:
    if isinstance(container, MarkedDict):
        return container.key_pos.get(key, container.pos)
    return position(container, key)
