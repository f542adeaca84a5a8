"""Safe YAML reading that remembers where every value stands in the file.

Mappings load as `MarkedDict` and sequences as `MarkedList`: plain containers that also carry the
line and column of each key and value, so that validation can point at the exact place of a
problem. Duplicate keys, which plain PyYAML silently overwrites, are reported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from gradation.errors import Problem, os_error_text
from gradation.files.marked import MarkedDict, MarkedList, Position, ProblemsFound
from gradation.files.marked import key_position as key_position
from gradation.files.marked import position as position
from gradation.files.yaml_messages import UNDEFINED_ALIAS, syntax_problem

__all__ = ["MarkedDict", "MarkedList", "ProblemsFound", "key_position", "parse_yaml", "position",
           "read_yaml"]

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ALIASES = 10_000
# Control characters (ANSI escapes …) act on terminals; tabs and line breaks are text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")


class RawInt(int):
    """An integer that YAML read from digits with a leading zero (« 01004 », octal in YAML
    1.1): it remembers them, so that an error can say « écrivez "01004" »."""

    raw: str

    def __new__(cls, value: int, raw: str) -> RawInt:
        made = super().__new__(cls, value)
        made.raw = raw
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (RawInt, (int(self), self.raw))
_MERGE = "tag:yaml.org,2002:merge"
_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:merge",
}
_CONTAINER_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _Frame:
    """A mapping or sequence being built from the parser's events."""

    __slots__ = ("data", "is_map", "key", "key_pos", "seen", "merges")

    def __init__(self, data: Any, is_map: bool) -> None:
        self.data = data
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.key_pos: Position = (0, 0)
        self.seen: dict[Any, Position] = {}
        self.merges: list[Any] = []


_NO_KEY = object()
_MERGE_KEY = object()


class _Builder:
    """Builds Python data straight from libyaml's events: no node tree in memory (the node
    tree of a large file costs more than the data), aliases shared rather than copied (an
    alias bomb stays small), only the safe YAML types, duplicate keys reported."""

    def __init__(self, text: str, filename: str, marks: bool) -> None:
        self.parser = _Parser(text)
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()
        self.filename = filename
        self.marks = marks
        self.problems: list[Problem] = []
        self.anchors: dict[str, Any] = {}
        self.aliases = 0

    def error(self, mark: Any, message: str) -> ProblemsFound:
        return ProblemsFound([Problem(self.filename, mark.line + 1, mark.column + 1, message)])

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, event.value, event.implicit)
        if tag not in _SAFE_SCALAR_TAGS:
            raise self.error(event.start_mark, f"étiquette YAML « {event.tag} » non autorisée")
        if tag == _STR:
            value = event.value
            found = _CONTROL.search(value)
            if found:
                code = ord(found.group())
                self.problems.append(Problem(
                    self.filename, event.start_mark.line + 1, event.start_mark.column + 1,
                    f"caractère de contrôle interdit (U+{code:04X}) : il pourrait agir sur le "
                    "terminal ; retirez-le"))
            return value
        if tag == _MERGE:
            return _MERGE_KEY
        if tag == _INT and len(event.value) > 30:
            raise self.error(event.start_mark, "nombre trop long (30 chiffres au plus)")
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            shown = event.value[:40]
            if tag == _TIMESTAMP:
                raise self.error(event.start_mark, f"date invalide : « {shown} » (AAAA-MM-JJ, "
                                 "une date du calendrier)") from None
            raise self.error(event.start_mark, f"valeur illisible : « {shown} »") from None
        if tag == _INT and _LEADING_ZERO.fullmatch(event.value):
            return RawInt(value, event.value)  # « 01004 » read as 516: keep what was written
        return value

    def alias(self, event: Any) -> Any:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise self.error(event.start_mark, f"plus de {MAX_ALIASES} alias : fichier refusé "
                             "(il pourrait grossir démesurément)")
        if event.anchor not in self.anchors:
            raise self.error(event.start_mark, UNDEFINED_ALIAS)
        return self.anchors[event.anchor]

    def start(self, event: Any, pos: tuple[int, int]) -> _Frame:
        """A new mapping or sequence (with its position when marks are kept)."""
        if event.tag not in _CONTAINER_TAGS:
            raise self.error(event.start_mark, f"étiquette YAML « {event.tag} » non autorisée")
        is_map = isinstance(event, yaml.events.MappingStartEvent)
        if self.marks:
            data: Any = MarkedDict() if is_map else MarkedList()
            data.pos = pos
        else:
            data = {} if is_map else []
        if event.anchor is not None:
            self.anchors[event.anchor] = data
        return _Frame(data, is_map)

    def build(self) -> Any:
        E = yaml.events
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        while True:
            event: Any = self.parser.get_event()
            value: Any = _NO_KEY
            pos = (event.start_mark.line + 1, event.start_mark.column + 1) if hasattr(
                event, "start_mark") and event.start_mark is not None else (0, 0)
            if isinstance(event, E.ScalarEvent):
                value = self.scalar(event)
            elif isinstance(event, E.AliasEvent):
                value = self.alias(event)
            elif isinstance(event, E.MappingStartEvent | E.SequenceStartEvent):
                self.open(stack, event, pos)
                continue
            elif isinstance(event, E.MappingEndEvent | E.SequenceEndEvent):
                value, pos = self.close(stack.pop()), (0, 0)
            elif isinstance(event, E.DocumentStartEvent):
                documents += 1
                self.one_document(event, documents)
                continue
            elif isinstance(event, E.StreamEndEvent):
                return root
            else:
                continue
            if isinstance(event, E.ScalarEvent) and event.anchor is not None:
                self.anchors[event.anchor] = value
            if not stack:
                root = value
                continue
            self.add(stack[-1], value, pos, event)

    def open(self, stack: list[_Frame], event: Any, pos: Position) -> None:
        stack.append(self.start(event, pos))
        if len(stack) > 200:
            raise self.error(event.start_mark, "structure YAML trop profondément imbriquée")

    def close(self, frame: _Frame) -> Any:
        if frame.is_map and frame.merges:
            self.merge(frame)
        return frame.data

    def one_document(self, event: Any, documents: int) -> None:
        if documents > 1:
            raise self.error(event.start_mark, "un seul document YAML est attendu (retirez le "
                             "second « --- »)")

    def add(self, frame: _Frame, value: Any, pos: Position, event: Any) -> None:
        data = frame.data
        if not frame.is_map:
            data.append(value)
            if self.marks:
                data.item_pos.append(pos if pos != (0, 0) else getattr(value, "pos", pos))
            return
        if frame.key is _NO_KEY:  # this value is a key
            try:
                hash(value)
            except TypeError:
                raise self.error(event.start_mark, "une clé doit être un texte simple") from None
            if value is not _MERGE_KEY and value in frame.seen:
                line = frame.seen[value][0]
                self.problems.append(Problem(self.filename, *pos,
                                             f"clé « {value} » en double (déjà présente ligne "
                                             f"{line}) : gardez une seule des deux"))
            frame.key, frame.key_pos = value, pos
            if value is not _MERGE_KEY:
                frame.seen.setdefault(value, pos)
            return
        key, frame.key = frame.key, _NO_KEY
        if key is _MERGE_KEY:
            frame.merges.append(value)
            return
        if key in frame.seen and frame.seen[key] != frame.key_pos:
            return  # a duplicate key: reported; the first value is kept
        data[key] = value
        if self.marks:
            data.key_pos[key] = frame.key_pos
            data.value_pos[key] = pos if pos != (0, 0) else getattr(value, "pos", pos)

    def merge(self, frame: _Frame) -> None:
        """`<<: *base` (or a list of them): keys not written explicitly come from the sources."""
        sources: list[Any] = []
        for item in frame.merges:
            sources.extend(item if isinstance(item, list) else [item])
        for source in sources:
            if not isinstance(source, dict):
                continue
            for key, value in source.items():
                if key not in frame.data:
                    frame.data[key] = value
                    if self.marks and isinstance(source, MarkedDict):
                        frame.data.key_pos[key] = source.key_pos.get(key, (0, 0))
                        frame.data.value_pos[key] = source.value_pos.get(key, (0, 0))


try:
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]  # libyaml: faster
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


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


def parse_yaml(text: str, filename: str, marks: bool = True) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return the data and the problems found while building it.

    With `marks`, mappings and sequences remember where each item stands (for located
    messages); without, plain dicts and lists are built, faster and smaller.
    """
    if "\x00" in text:
        raise ProblemsFound([Problem(filename, 1, 1, "fichier binaire : ce n'est pas du YAML")])
    builder = None
    try:
        builder = _Builder(text, filename, marks)  # the reader checks every character here
        data = builder.build()
    except yaml.MarkedYAMLError as exc:
        mark, message = syntax_problem(exc, text)
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ProblemsFound([Problem(filename, line, column, message)]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise ProblemsFound([Problem(filename, line, column, f"caractère interdit (U+"
                                     f"{exc.character:04X}) : retirez-le")]) from None
    except yaml.YAMLError as exc:
        raise ProblemsFound([Problem(filename, 0, 0, f"YAML illisible ({exc})")]) from None
    finally:
        dispose = getattr(builder.parser, "dispose", None) if builder else None
        if dispose:
            dispose()
    return data, builder.problems


def read_yaml(path: Path, filename: str | None = None, marks: bool = True
              ) -> tuple[Any, list[Problem]]:
    """Read a YAML file from disk (UTF-8, size-limited)."""
    name = filename or str(path)
    try:
        from gradation.files.atomic import regular_problem

        problem = regular_problem(path, MAX_FILE_BYTES)
        if problem is not None:
            raise ProblemsFound([Problem(name, 0, 0, problem)])
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
        raise ProblemsFound([Problem(name, 0, 0,
                                     f"lecture impossible ({os_error_text(exc)})")]) from None
    return parse_yaml(decode_text(raw, name), name, marks)


def check_syntax(text: str, path: Path) -> None:
    """A file that YAML cannot read is reported with its lines before any edit."""
    from gradation.errors import LoadError, display_path

    try:
        parse_yaml(text, display_path(path), marks=False)
    except ProblemsFound as exc:
        raise LoadError(exc.problems, f"{path} ne se lit pas : corrigez-le d'abord (rien n'a "
                        "été modifié)") from None
