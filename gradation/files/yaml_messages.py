"""The YAML parser's messages in French, placed where a person would look: an unclosed quote,
bracket or brace where it opens, not at the end of the file."""

from __future__ import annotations

from typing import Any

_YAML_PROBLEMS_FR = {
    "found character '\\t' that cannot start any token": (
        "tabulation interdite en YAML : indentez avec des espaces"
    ),
    "mapping values are not allowed here": (
        "« : » inattendu : dans un texte sans guillemets, « : » suivi d'une espace annonce une "
        "nouvelle clé ; mettez le texte entre guillemets (story: \"… : …\") ou corrigez "
        "l'indentation"
    ),
    "could not find expected ':'": "« : » attendu après la clé",
    "found undefined alias": "alias inconnu (aucune ancre « & » de ce nom)",
}


# The parser's other messages, by how they start.
_YAML_STARTS_FR = {
    "expected <block end>": "indentation incohérente : cette ligne n'est pas alignée avec le "
                            "bloc au-dessus",
    "did not find expected key": "indentation incohérente : une clé était attendue ici "
                                 "(alignez-la sur les clés au-dessus)",
    "did not find expected ',' or ']'": "crochet « [ » non fermé, ou virgule manquante",
    "did not find expected ',' or '}'": "accolade « { » non fermée, ou virgule manquante",
    "found unknown escape character": "« \\ » inconnu entre guillemets doubles : doublez-le "
                                      "(\\\\) ou mettez des guillemets simples",
    "found unexpected end of stream": "fin du fichier inattendue : un guillemet, un crochet ou "
                                      "une accolade n'est pas fermé",
    "expected ',' or ']'": "crochet « [ » non fermé, ou virgule manquante",
    "expected ',' or '}'": "accolade « { » non fermée, ou virgule manquante",
}


def syntax_problem(exc: Any, text: str) -> tuple[Any, str]:
    """Where a syntax error is, and what it is, in French: an unclosed quote where it opens."""
    mark = exc.problem_mark or exc.context_mark
    detail = str(exc.problem or exc.context or "")
    unclosed = _unclosed(exc, text)
    if unclosed is not None:
        return exc.context_mark, unclosed
    if "tab" in detail or (mark is not None and char_at(text, mark) == "\t"):
        return mark, _YAML_PROBLEMS_FR["found character '\\t' that cannot start any token"]
    if detail == "mapping values are not allowed in this context":  # the C parser's wording
        detail = "mapping values are not allowed here"
    if detail in _YAML_PROBLEMS_FR:
        return mark, _YAML_PROBLEMS_FR[detail]
    for start, message in _YAML_STARTS_FR.items():
        if detail.startswith(start):
            return mark, message
    return mark, f"syntaxe YAML invalide ({detail})"


def _unclosed(exc: Any, text: str) -> str | None:
    """A quote, a « [ » or a « { » opened and never closed: said where it opens."""
    context, opened = str(exc.context or ""), exc.context_mark
    if opened is None:
        return None
    if context.startswith("while scanning a quoted scalar"):
        return (f"le guillemet « {char_at(text, opened)} » ouvert ici n'est jamais fermé : "
                "fermez-le (une valeur entre guillemets tient sur sa ligne)")
    for structure, sign in (("sequence", "crochet « [ »"), ("mapping", "accolade « { »")):
        if context.startswith(f"while parsing a flow {structure}"):
            return f"{sign} ouvert ici et jamais fermé (ou une virgule manque)"
    return None


UNDEFINED_ALIAS = _YAML_PROBLEMS_FR["found undefined alias"]


def char_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    line, column = int(mark.line), int(mark.column)
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""
