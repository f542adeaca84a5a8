"""A field of a YAML block mapping changed on its own line, as a person would change it.

A one-field edit is a one-line change: the key's line is rewritten with the new value and the
comment that ended it; a new key is a new line after the key that precedes it in the format's
order; an unset key takes its lines away. Every other line — comments, their indentation, blank
lines, quoting — stays as it was. What this cannot do on lines (a key on the entry's dash line
to drop, no preceding key to follow) is said by returning None, and the caller rewrites the
entry whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import replace as replace_field
from typing import Any

from gradation.core.text import shared_ends
from gradation.errors import Problem


def comment_start(line: str) -> int | None:
    """Where a YAML comment starts on a line (outside quotes, after a blank), or None."""
    quote = ""
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == quote:
                if quote == "'" and line[i + 1:i + 2] == "'":
                    i += 1  # '' inside single quotes
                else:
                    quote = ""
            elif char == "\\" and quote == '"':
                i += 1
        elif char in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
        i += 1
    return None


def trailing_comment(line: str) -> str:
    """The comment that ends a line, with the blanks before it (« » when none)."""
    start = comment_start(line)
    if start is None:
        return ""
    content = line[:start].rstrip()
    return line[len(content):]


def is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _last_content(lines: Sequence[str], first: int, stop: int) -> int:
    """The last line of a key's value: from its key line, before `stop`, blanks and comment
    lines after it left out (they belong to what follows)."""
    last = first
    for j in range(first + 1, stop):
        if lines[j].strip() and not is_comment(lines[j]):
            last = j
    return last


def key_ranges(lines: Sequence[str], entry: Any, end: int) -> dict[str, tuple[int, int]]:
    """Each key of a block mapping: its first and last line (the entry ends at `end`)."""
    starts = sorted((entry.lc.key(key)[0], str(key)) for key in entry)
    ranges = {}
    for n, (first, key) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else end + 1
        ranges[key] = (first, _last_content(lines, first, stop))
    return ranges


Edit = tuple[int, int, int, list[str]]  # first line, line after, order among inserts, new lines


def field_edits(lines: Sequence[str], entry: Any, dash: int, end: int, order: list[str],
                fields: dict[str, Any], unset: list[str],
                render: Callable[[str, Any], str]) -> list[Edit] | None:
    """The line edits that set `fields` and drop `unset` in a block mapping entry (its dash
    on line `dash`, its last line `end`), or None when lines cannot do it."""
    ranges = key_ranges(lines, entry, end)
    columns = {entry.lc.key(key)[1] for key in entry}
    if len(columns) != 1:
        return None
    column = columns.pop()
    edits: list[Edit] = []
    for key in unset:
        if key in ranges:
            first, last = ranges[key]
            if first == dash:
                return None  # the key shares its line with the dash
            edits.append((first, last + 1, 0, []))
    for key, value in fields.items():
        if value is None:
            continue
        text = render(key, value)
        if key in ranges:
            first, last = ranges[key]
            line = lines[first]
            comment = trailing_comment(line) if first == last else ""
            edits.append((first, last + 1, 0, [line[:column] + text + comment]))
            continue
        before = [k for k in order[:order.index(key)] if k in ranges and k not in unset]
        if not before:
            return None
        after = ranges[before[-1]][1] + 1
        edits.append((after, after, order.index(key), [" " * column + text]))
    return edits


def apply(lines: list[str], edits: list[Edit]) -> None:
    """Apply edits bottom up, so that earlier line numbers stay true: at one line, what
    replaces it before what is inserted there; inserts at one place in their order."""
    for first, stop, _, new in sorted(edits, key=lambda e: (e[0], e[1] > e[0], e[2]),
                                      reverse=True):
        lines[first:stop] = new


# --- The entries of a block sequence ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    comments: int  # first line of the comment lines right above the dash (0-based)
    dash: int  # the line of the entry's dash
    end: int  # its last line of content (inclusive)
    column: int  # the dash's column


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def blocks(lines: list[str], seq: Any) -> list[Block]:
    """Each item's block, from the line positions ruamel records."""
    out = []
    for i in range(len(seq)):
        line, column = seq.lc.item(i)
        dash = line
        while dash > 0 and not lines[dash][:column].rstrip().endswith("-"):
            dash -= 1  # a dash alone on its line, content below
        dash_column = lines[dash][:column if dash == line else None].rstrip().rfind("-")
        start = dash
        while start > 0 and is_comment(lines[start - 1]):
            start -= 1
        end = dash
        for j in range(dash + 1, len(lines)):
            text = lines[j]
            if not text.strip() or is_comment(text):
                continue  # a comment ends nothing, however far left it stands
            if indent(text) <= dash_column:
                break
            end = j
        out.append(Block(start, dash, end, dash_column))
    return out


def on_disk(problems: list[Problem], old: str, new: str) -> list[Problem]:
    """Problems of a proposed text placed on the lines of the file as it is on disk: a line
    the change kept is where it stands; a line the change wrote points to where the change
    goes, and says so."""
    before, after = old.split("\n"), new.split("\n")
    head, tail = shared_ends(before, after)
    placed = []
    for p in problems:
        if p.line <= head:
            placed.append(p)
        elif p.line > len(after) - tail:
            placed.append(replace_field(p, line=p.line - len(after) + len(before)))
        else:
            placed.append(replace_field(p, line=min(head + 1, len(before)), column=0,
                                        message=f"{p.message} (dans la modification proposée)"))
    return placed


def diff(old: str, new: str, before: str, after: str) -> list[str]:
    """The unified diff of a change, as `git diff` shows it (three lines of context)."""
    import difflib

    return [line.rstrip("\n") for line in difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), before, after)]
