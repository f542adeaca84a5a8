"""The small condition language of the grids: `phq9 >= 20`,
`decompensation and retentissement = severe`.

Grammar (keywords are English, like the schema keys):

    expr    := or
    or      := and ("or" and)*
    and     := unary ("and" unary)*
    unary   := "not" unary | "(" expr ")" | compare
    compare := QUESTION [("=" | "!=" | ">=" | "<=" | ">" | "<") VALUE]

A bare question id means "answered oui". Choices compare in their listed order (least severe
first); an unordered choice only takes `=` and `!=`. Evaluation is three-valued: a comparison on
an unanswered question is unknown, `and`/`or`/`not` follow Kleene's logic, and a condition
holds only when it is true. Nothing is ever evaluated as Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from gradation.core.suggest import suggest

ORDER_OPS = (">=", "<=", ">", "<")


class QuestionLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def ordered(self) -> bool: ...

    def choice_ids(self) -> list[str]: ...


class ConditionError(ValueError):
    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Compare:
    question: str
    op: str
    value: Any  # bool, int or a choice id
    rank: Mapping[str, int] | None = field(default=None, compare=False, hash=False)

    def evaluate(self, answers: Mapping[str, Any]) -> bool | None:
        given = answers.get(self.question)
        if given is None:
            return None
        left: Any = given
        right: Any = self.value
        if self.rank is not None:
            left, right = self.rank.get(given), self.rank[right]
            if left is None:
                return None
        if self.op == "=":
            return bool(left == right)
        if self.op == "!=":
            return bool(left != right)
        if self.op == ">=":
            return bool(left >= right)
        if self.op == "<=":
            return bool(left <= right)
        if self.op == ">":
            return bool(left > right)
        return bool(left < right)


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition

    def evaluate(self, answers: Mapping[str, Any]) -> bool | None:
        value = self.item.evaluate(answers)
        return None if value is None else not value


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Condition, ...]

    def evaluate(self, answers: Mapping[str, Any]) -> bool | None:
        unknown = False
        for item in self.items:
            value = item.evaluate(answers)
            if value is False:
                return False
            unknown |= value is None
        return None if unknown else True


@dataclass(frozen=True, slots=True)
class Any_:
    items: tuple[Condition, ...]

    def evaluate(self, answers: Mapping[str, Any]) -> bool | None:
        unknown = False
        for item in self.items:
            value = item.evaluate(answers)
            if value is True:
                return True
            unknown |= value is None
        return None if unknown else False


Condition = Compare | Not | All | Any_


def comparisons(cond: Condition) -> Iterator[Compare]:
    """Every comparison of a condition (for analysis: questions read, thresholds)."""
    if isinstance(cond, Compare):
        yield cond
    elif isinstance(cond, Not):
        yield from comparisons(cond.item)
    else:
        for item in cond.items:
            yield from comparisons(item)


def holds(cond: Condition | None, answers: Mapping[str, Any]) -> bool:
    """True only when the condition is known to hold (no condition always holds)."""
    return cond is None or cond.evaluate(answers) is True


MAX_DEPTH = 50  # parentheses and « not » nested deeper than this are refused
MAX_DIGITS = 9  # a number of a condition is an age or a score: nine digits at most

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+)|(?P<word>[A-Za-z_][A-Za-z0-9_-]*)|(?P<op>>=|<=|!=|=|<|>)"
    r"|(?P<paren>[()])|(?P<bad>\S))"
)
_BOOLEAN_WORDS = {"oui": True, "non": False, "true": True, "false": False}


def parse(text: str, questions: Mapping[str, QuestionLike],
          absent: list[str] | None = None) -> Condition:
    """Parse and check a condition against the questions it may read.

    With `absent` (a list to fill), a question or a choice value that these grids lack is no
    error: it is noted there and never holds (a grid adapted without some situations keeps the
    model's numbers and warnings for the others)."""
    tokens: list[tuple[str, str, int]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        value = match.group(kind)
        if kind == "bad":
            raise ConditionError(f"caractère inattendu « {value} »", match.start(kind))
        tokens.append((kind, value, match.start(kind)))
    if not tokens:
        raise ConditionError("condition vide")
    parser = _Parser(text, tokens, questions, absent)
    cond = parser.expr()
    if parser.index < len(tokens):
        kind, value, offset = tokens[parser.index]
        raise ConditionError(f"« {value} » inattendu (and / or attendu)", offset)
    return cond


def _number(qid: str, kind: str, raw: str, offset: int) -> int:
    """The number a question is compared with: digits, nine at most."""
    if kind != "num":
        raise ConditionError(f"« {qid} » se compare à un nombre entier", offset)
    if len(raw.lstrip("-")) > MAX_DIGITS:
        raise ConditionError(f"nombre trop long ({len(raw)} chiffres ; au plus {MAX_DIGITS})",
                             offset)
    return int(raw)


class _Parser:
    def __init__(
        self, text: str, tokens: list[tuple[str, str, int]], questions: Mapping[str, QuestionLike],
        absent: list[str] | None = None,
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.questions = questions
        self.absent = absent
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise ConditionError("condition incomplète", len(self.text))
        self.index += 1
        return token

    def expr(self) -> Condition:
        items = [self.conjunction()]
        while (t := self.peek()) and t[:2] == ("word", "or"):
            self.index += 1
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def conjunction(self) -> Condition:
        items = [self.unary()]
        while (t := self.peek()) and t[:2] == ("word", "and"):
            self.index += 1
            items.append(self.unary())
        return items[0] if len(items) == 1 else All(tuple(items))

    def unary(self) -> Condition:
        kind, value, offset = self.take()
        if (kind, value) in (("word", "not"), ("paren", "(")):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ConditionError(f"condition trop imbriquée (plus de {MAX_DEPTH} niveaux de "
                                     "parenthèses ou de « not »)", offset)
            try:
                return self._nested(kind, value)
            finally:
                self.depth -= 1
        return self._leaf(kind, value, offset)

    def _nested(self, kind: str, value: str) -> Condition:
        if (kind, value) == ("word", "not"):
            return Not(self.unary())
        inner = self.expr()
        closing = self.take()
        if closing[:2] != ("paren", ")"):
            raise ConditionError("« ) » attendue", closing[2])
        return inner

    def _leaf(self, kind: str, value: str, offset: int) -> Condition:
        if kind != "word":
            raise ConditionError(f"identifiant de question attendu, « {value} » trouvé", offset)
        return self.compare(value, offset)

    def compare(self, qid: str, offset: int) -> Compare:
        question = self.questions.get(qid)
        if question is None:
            return self._absent(qid, offset)
        token = self.peek()
        if token is None or token[0] != "op":
            if question.type != "boolean":
                raise ConditionError(
                    f"« {qid} » n'est pas une question oui/non : comparez-la (ex. {qid} = …)",
                    offset,
                )
            return Compare(qid, "=", True)
        self.index += 1
        op = token[1]
        kind, raw, value_offset = self.take()
        if question.type == "boolean":
            if op not in ("=", "!=") or raw not in _BOOLEAN_WORDS:
                raise ConditionError(f"« {qid} » se compare à oui ou non avec = ou !=", offset)
            return Compare(qid, op, _BOOLEAN_WORDS[raw])
        if question.type == "choice":
            return self._choice(question, op, raw, offset, value_offset)
        if question.type in ("integer", "score"):
            return Compare(qid, op, _number(qid, kind, raw, value_offset))
        if op not in ("=", "!="):
            raise ConditionError(f"« {qid} » se compare avec = ou !=", offset)
        return Compare(qid, op, raw)

    def _absent(self, qid: str, offset: int) -> Compare:
        """A question this grid does not have: an error, or (when the caller collects what
        is absent) a comparison that never holds here."""
        if self.absent is None:
            raise ConditionError(
                f"question « {qid} » inconnue{suggest(qid, self.questions)}", offset
            )
        self.absent.append(f"question « {qid} »")
        token = self.peek()
        if token is None or token[0] != "op":
            return Compare(qid, "=", True)
        self.index += 1
        return Compare(qid, token[1], self.take()[1])  # never answered here: never holds

    def _choice(self, question: QuestionLike, op: str, raw: str, offset: int,
                value_offset: int) -> Compare:
        qid, choices = question.id, question.choice_ids()
        if raw not in choices and self.absent is not None and op in ("=", "!="):
            self.absent.append(f"valeur « {raw} » de « {qid} »")
            return Compare(qid, op, raw)
        if raw not in choices:
            raise ConditionError(
                f"« {raw} » n'est pas une valeur de « {qid} » "
                f"(valeurs : {', '.join(choices)}){suggest(raw, choices)}",
                value_offset,
            )
        if op in ORDER_OPS and not question.ordered:
            raise ConditionError(
                f"« {qid} » n'est pas ordonnée : utilisez = ou !=", offset
            )
        return Compare(qid, op, raw, {c: i for i, c in enumerate(choices)})
