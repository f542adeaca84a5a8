"""One function normalises every answer, whatever its source (flags, files, the questionnaire)."""

from __future__ import annotations

import re
from typing import Any

from gradation.core.schema import Question
from gradation.core.suggest import suggest
from gradation.errors import GradationError

TRUE_WORDS = {"oui", "true", "yes"}
FALSE_WORDS = {"non", "false", "no"}
INSEE = re.compile(r"^([0-9]{2}|2[AB])[0-9]{3}$")


class AnswerError(GradationError):
    """A refused answer: exit 2, naming the question and what it accepts."""


def accepted(question: Question) -> str:
    """What a question accepts, in French."""
    if question.type == "boolean":
        return "oui ou non"
    if question.type == "choice":
        return "l'une des valeurs " + ", ".join(question.choice_ids())
    if question.type in ("integer", "score"):
        return f"un nombre entier de {question.min} à {question.max}"
    return 'un code INSEE de 5 caractères entre guillemets (par exemple "99001")'


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII digits only: « ² » and « ٣٤ » are no numbers


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def _integer(question: Question, value: Any) -> int | None:
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    assert question.min is not None and question.max is not None
    return value if question.min <= value <= question.max else None


def _choice(question: Question, value: Any) -> str | None:
    if isinstance(value, str) and value.strip() in question.choice_ids():
        return value.strip()
    return None


def _commune(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 10000 <= value <= 99999:
        return str(value)
    if isinstance(value, str) and INSEE.fullmatch(value.strip()):
        return value.strip()
    return None


def normalise(question: Question, value: Any) -> Any:
    """The canonical value of an answer (bool, int or str), None for unanswered, or AnswerError."""
    if is_blank(value):
        return None
    if question.type == "boolean":
        found: Any = _boolean(value)
    elif question.type in ("integer", "score"):
        found = _integer(question, value)
    elif question.type == "choice":
        found = _choice(question, value)
    else:
        found = _commune(value)
    if found is not None:
        return found
    shown = f"« {value} »" if isinstance(value, str) else str(value)[:40]
    extra = ""
    if question.type == "choice" and isinstance(value, str):
        extra = suggest(value, question.choice_ids())
    raise AnswerError(f"réponse invalide pour « {question.id} » : {shown} ; attendu : "
                      f"{accepted(question)}{extra}")


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    """`--answer KEY=VALUE` flags as a dict (KEY= means unanswered)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise GradationError(
                f"--answer attend CLÉ=VALEUR (par exemple --answer age=34), reçu « {pair} »"
            )
        out[key.strip()] = value
    return out
