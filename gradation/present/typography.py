"""French typography, in one place, for every document: no-break spaces where French puts
them, and numbers that a line break must never split.

- a no-break space before « : » and inside « … », a narrow one before « ; ? ! »;
- phone numbers (« 01 99 00 09 01 », « 39 89 », « 0 800 235 236 ») and « 24 h/24 » held
  together;
- a number and its unit (« 16 ans », « 4 semaines », « 48 à 72 h ») held together.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

_PHONE = re.compile(r"(?<![\d\w])(?:\+33 ?|0 )?\d{1,3}(?: \d{2,3}){1,4}(?![\d\w])")
_UNIT = re.compile(r"(\d) (ans?|semaines?|jours?|mois|heures?|h|min|Mo|Kio|Mio|%|€)(?=\W|$)")


def _hold(match: re.Match[str]) -> str:
    return match.group(0).replace(" ", NBSP)


def fr(text: str) -> str:
    """`text` with French no-break spaces (idempotent)."""
    out = text.replace(" :", NBSP + ":")
    for mark in ";?!":
        out = out.replace(" " + mark, NNBSP + mark)
    out = out.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")
    out = _PHONE.sub(_hold, out)
    return _UNIT.sub(lambda m: m.group(1) + NBSP + m.group(2), out)


def dial(phone: str) -> str | None:
    """A phone number as a `tel:` link wants it (+33…), or None when it is not a number."""
    digits = re.sub(r"[^\d+]", "", phone)
    if re.fullmatch(r"0\d{9}", digits):
        return "+33" + digits[1:]
    if re.fullmatch(r"\+\d{6,15}|\d{2,6}", digits):
        return digits
    return None


# Where French typography ties a blank to its word, so that no line starts with « ? » nor
# ends with « « »: before these marks, and after this one.
TIED_BEFORE = ":;?!»"
TIED_AFTER = "«"
# A word for a line breaker that reads words with a pattern (rich): the tied blanks and the
# no-break spaces inside it, its plain blanks around it.
TIED_WORD = re.compile(
    rf"\s*(?:\S|[{NBSP}{NNBSP}]|(?<={TIED_AFTER}) | (?=[{TIED_BEFORE}]))+\s*")


def tied_chunks(chunks: list[str]) -> list[str]:
    """textwrap's chunks (words and the blanks between them) with the blanks French
    typography ties joined to their words: before « : ; ? ! » » and after « « », so that a
    wrapped line never starts with « ? » nor ends with « « » (the text keeps its spaces)."""
    out: list[str] = []
    for chunk in chunks:
        blank = chunk.isspace()
        if out and out[-1].rstrip().endswith(TIED_AFTER) and (blank or out[-1][-1:].isspace()):
            out[-1] += chunk  # « « » holds the blank and the word after it
        elif not blank and chunk[:1] in TIED_BEFORE and len(out) > 1 and out[-1].isspace():
            space = out.pop()
            out[-1] += space + chunk  # the word before holds the blank and the mark
        else:
            out.append(chunk)
    return out
