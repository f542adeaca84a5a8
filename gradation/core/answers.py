"""One function normalises every answer, whatever its source (flags, files, the questionnaire)."""

from __future__ import annotations

import re
from typing import Any

from gradation.core.conditions import suggest
from gradation.core.schema import Question
from gradation.errors import GradationError

TRUE_WORDS = {"oui", "true", "yes"}
FALSE_WORDS = {"non", "false", "no"}
INSEE = re.compile(r"^(\d{2}|2[AB])\d{3}$")


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


def normalise(question: Question, value: Any) -> Any:
    """The canonical value of an answer (bool, int or str), None for unanswered, or AnswerError."""
    if is_blank(value):
        return None
    shown = value if not isinstance(value, str) else f"« {value} »"

    def refuse(extra: str = "") -> AnswerError:
        return AnswerError(
            f"réponse invalide pour « {question.id} » : {shown} ; attendu : {accepted(question)}"
            + extra
        )

    if question.type == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            word = value.strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        raise refuse()
    if question.type in ("integer", "score"):
        if isinstance(value, bool):
            raise refuse()
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int):
            raise refuse()
        assert question.min is not None and question.max is not None
        if not question.min <= value <= question.max:
            raise refuse()
        return value
    if question.type == "choice":
        if isinstance(value, str) and value.strip() in question.choice_ids():
            return value.strip()
        raise refuse(suggest(value, question.choice_ids()) if isinstance(value, str) else "")
    # commune
    if isinstance(value, int) and not isinstance(value, bool) and 10000 <= value <= 99999:
        return str(value)
    if isinstance(value, str) and INSEE.match(value.strip()):
        return value.strip()
    raise refuse()


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
