"""The text policy for what a person reads: a one-line field holds one line of visible text.

Newlines, control characters and invisible format characters (bidirectional overrides, zero-width
spaces) are refused in one-line fields: they could print a fake line under a real resource, hide
a digit of a phone number, or act on the terminal. Multi-line fields allow newlines only.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}
# A run of blanks (spaces, and the other Unicode spaces that look like them) could push text to
# the next line of a terminal and fake a line under a resource (« Tél. … » after 120 spaces):
# every run is one space (a lone no-break space, which French typography places, is kept).
_BLANKS = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}"
                     r"|[\u1680\u2000-\u200a\u205f\u3000]")


def text_problem(value: str, multiline: bool = False) -> str | None:
    """Why `value` is refused (in French), or None."""
    for ch in value:
        if multiline and ch in "\n\t":
            continue
        if ch in "\n\r\u2028\u2029":
            return "retour à la ligne interdit : ce champ tient sur une ligne"
        if unicodedata.category(ch) in _INVISIBLE or noncharacter(ch):
            return (f"caractère invisible ou de contrôle interdit (U+{ord(ch):04X}) : "
                    "retirez-le")
    return None


def noncharacter(ch: str) -> bool:
    """U+FFFE, U+FFFF and their kin: no character at all (a terminal menu breaks on them)."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def one_blank(value: str) -> str:
    """Each run of blanks made one space, and no blank at either end."""
    return _BLANKS.sub(" ", value).strip(" ")


def one_line(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return one_blank(value)


def multi_line(value: str) -> str:
    problem = text_problem(value, multiline=True)
    if problem:
        raise ValueError(problem)
    return "\n".join(one_blank(line) for line in value.replace("\t", " ").split("\n"))


def visible(value: object, limit: int | None = 80) -> str:
    """User-supplied text for an error message: control and invisible characters shown as
    their code (« \\u001b »), never sent to the terminal; long text cut."""
    text = str(value)
    cut = text if limit is None else text[:limit]
    shown = "".join(
        ch if ch == " " or unicodedata.category(ch) not in _INVISIBLE | {"Zs"} else
        f"\\u{ord(ch):04x}" for ch in cut)
    return shown + ("…" if limit is not None and len(text) > limit else "")


def visible_lines(text: str) -> str:
    """A message of several lines, each made visible (the line breaks kept)."""
    return "\n".join(visible(line, None) for line in text.split("\n"))


def capitalized(text: str) -> str:
    """« niveau 3 » → « Niveau 3 » (only the first letter: « CMP » stays)."""
    return text[:1].upper() + text[1:]


def shared_ends(before: list[str], after: list[str]) -> tuple[int, int]:
    """How many lines two versions of a text share at their head, then at their tail."""
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while (tail < min(len(before), len(after)) - head
           and before[-1 - tail] == after[-1 - tail]):
        tail += 1
    return head, tail
