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
