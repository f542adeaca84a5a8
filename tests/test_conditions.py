"""The condition language of the grids, on its own: parsing, and Kleene's three-valued logic
(an unanswered question is unknown, and a rule holds only when its condition is true)."""

from __future__ import annotations

import pytest

from gradation.core.conditions import ConditionError, holds, parse
from gradation.core.schema import Choice, Question

QUESTIONS = {
    "a": Question(id="a", text="A ?", type="boolean"),
    "b": Question(id="b", text="B ?", type="boolean"),
    "score": Question(id="score", text="Score", type="score", min=0, max=27, optional=True),
    "level": Question(id="level", text="Niveau", type="choice",
                      values=[Choice(id=i, label=i) for i in ("aucun", "leger", "modere",
                                                              "severe")]),
    "produit": Question(id="produit", text="Produit", type="choice", ordered=False,
                        values=[Choice(id=i, label=i) for i in ("alcool", "tabac")]),
}
T, F, U = True, False, None  # U: the question is not answered


def value(text: str, **answers: object) -> bool | None:
    return parse(text, QUESTIONS).evaluate(answers)


@pytest.mark.parametrize(("a", "b", "expected"), [
    (T, T, T), (T, F, F), (F, T, F), (F, F, F),
    (T, U, U), (U, T, U), (F, U, F), (U, F, F), (U, U, U),
])
def test_and_is_false_when_either_is_false_and_unknown_otherwise_if_one_is_unknown(a, b,
                                                                                   expected):
    assert value("a and b", a=a, b=b) is expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    (T, T, T), (T, F, T), (F, T, T), (F, F, F),
    (T, U, T), (U, T, T), (F, U, U), (U, F, U), (U, U, U),
])
def test_or_is_true_when_either_is_true_and_unknown_otherwise_if_one_is_unknown(a, b, expected):
    assert value("a or b", a=a, b=b) is expected


@pytest.mark.parametrize(("a", "expected"), [(T, F), (F, T), (U, U)])
def test_not_keeps_unknown_unknown(a, expected):
    assert value("not a", a=a) is expected


@pytest.mark.parametrize("text", ["score >= 20", "score > 19", "score = 20", "score != 20",
                                  "score < 20", "score <= 20"])
def test_a_comparison_on_an_unanswered_score_is_unknown_and_never_holds(text):
    condition = parse(text, QUESTIONS)
    assert condition.evaluate({}) is None
    assert condition.evaluate({"score": None}) is None
    assert not holds(condition, {"score": None})


@pytest.mark.parametrize(("text", "score", "expected"), [
    ("score >= 20", 19, F), ("score >= 20", 20, T), ("score > 20", 20, F), ("score > 20", 21, T),
    ("score <= 5", 5, T), ("score <= 5", 6, F), ("score < 5", 4, T), ("score < 5", 5, F),
    ("score = 0", 0, T), ("score != 0", 0, F),
])
def test_score_comparisons_on_both_sides_of_their_threshold(text, score, expected):
    assert value(text, score=score) is expected


@pytest.mark.parametrize(("level", "expected"), [("aucun", F), ("leger", F), ("modere", T),
                                                 ("severe", T)])
def test_choices_compare_in_their_listed_order(level, expected):
    assert value("level >= modere", level=level) is expected


def test_a_negated_unknown_in_a_conjunction_never_makes_a_rule_hold():
    condition = parse("a and not b", QUESTIONS)
    assert not holds(condition, {"a": True})  # b unanswered: unknown, not true
    assert holds(condition, {"a": True, "b": False})


def test_precedence_and_parentheses():
    assert value("a or b and not a", a=True, b=False) is True  # a or (b and (not a))
    assert value("(a or b) and not a", a=True, b=False) is False


def test_no_condition_always_holds():
    assert holds(None, {})


@pytest.mark.parametrize(("text", "message"), [
    ("scor >= 20", "question « scor » inconnue — vouliez-vous dire « score » ?"),
    ("score >= haut", "« score » se compare à un nombre entier"),
    ("produit >= alcool", "« produit » n'est pas ordonnée : utilisez = ou !="),
    ("level = fort", "« fort » n'est pas une valeur de « level »"),
    ("score", "« score » n'est pas une question oui/non"),
    ("a and", "condition incomplète"),
    ("a b", "« b » inattendu (and / or attendu)"),
    ("(a or b", "condition incomplète"),
    ("(a or b a", "« ) » attendue"),
    ("a = peut", "« a » se compare à oui ou non avec = ou !="),
    ("a = peut-être", "caractère inattendu « ê »"),
    ("a; b", "caractère inattendu « ; »"),
    ("", "condition vide"),
])
def test_errors_are_french_and_name_the_problem(text, message):
    with pytest.raises(ConditionError) as caught:
        parse(text, QUESTIONS)
    assert message in caught.value.message


def test_nothing_is_evaluated_as_python():
    with pytest.raises(ConditionError):
        parse("__import__('os').system('true')", QUESTIONS)
