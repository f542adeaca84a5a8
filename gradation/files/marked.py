"""Data read from a YAML file that remembers where each part stood (for messages with
file:line:column), and the exception of a file that cannot be read at all. No YAML library
here: what reads a position or catches a problem does not load the parser."""

from __future__ import annotations

from typing import Any

from gradation.errors import Problem

Position = tuple[int, int]  # 1-based line and column


class MarkedDict(dict[Any, Any]):
    """A dict that knows where it, its keys and its values stand in the source file."""

    __slots__ = ("pos", "key_pos", "value_pos")

    def __init__(self) -> None:
        super().__init__()
        self.pos: Position = (0, 0)
        self.key_pos: dict[Any, Position] = {}
        self.value_pos: dict[Any, Position] = {}


class MarkedList(list[Any]):
    """A list that knows where it and each of its items stand in the source file."""

    __slots__ = ("pos", "item_pos")

    def __init__(self) -> None:
        super().__init__()
        self.pos: Position = (0, 0)
        self.item_pos: list[Position] = []


class ProblemsFound(Exception):
    """Raised by the readers when a file cannot be read at all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems



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
