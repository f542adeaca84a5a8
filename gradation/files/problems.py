"""Pydantic's validation errors as located French problems, and the helpers that read a
file's positions."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gradation.core.suggest import suggest
from gradation.errors import Problem, display_path
from gradation.files.marked import Position, ProblemsFound, key_position, position

Model = TypeVar("Model", bound=BaseModel)

# The red flags that lead to `urgence` whatever a grid says: the engine applies them itself, and
# a grid that drops or retypes one of these questions does not load.



_TYPE_MESSAGES = {
    "string_type": "texte attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "bool_type": "true ou false attendu",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "list_type": "liste attendue (par exemple [a, b])",
    "dict_type": "ensemble de clés attendu (clé: valeur)",
    "model_type": "ensemble de clés attendu (clé: valeur)",
    "model_attributes_type": "ensemble de clés attendu (clé: valeur)",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_inexact": "date attendue au format AAAA-MM-JJ (sans heure)",
    "too_short": "au moins un élément attendu",
    "string_too_short": "texte vide : une valeur est attendue",
}

_PATTERN_MESSAGES = {
    "insee": 'code INSEE invalide : 5 caractères entre guillemets (par exemple "99001", "2A004")',
    "serves": 'code INSEE invalide : 5 caractères entre guillemets (par exemple "99001", "2A004")',
    "finess": 'numéro FINESS invalide : 9 caractères entre guillemets (par exemple "990000017")',
    "postcodes": 'code postal invalide : 5 chiffres entre guillemets (par exemple "99100")',
    "rpps": "numéro RPPS invalide : 11 chiffres (par exemple 10001234567)",
    "mssante": "adresse de messagerie invalide (par exemple marie.durand@medecin.mssante.fr)",
    "finess_ignore": 'numéro FINESS invalide : 9 caractères, suivis au besoin de « :type » '
                     '(par exemple "990000017" ou "990000017:urgences")',
}

def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "un ensemble de clés"
    if isinstance(value, list):
        return "une liste"  # never str() a list: an alias bomb would make it enormous
    text = str(value)
    text = text if len(text) <= 40 else text[:37] + "…"
    return f"« {text} »" if isinstance(value, str) else text

def key_path(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out

def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional, Annotated, list and dict annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(annotation) for t in _unwrap(a)]
    if origin in (list, dict):
        return _unwrap(typing.get_args(annotation)[-1])
    return [annotation]

def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping found at `loc` (list indexes and dict keys
    keep the current value type)."""
    current: type[BaseModel] | None = root
    for part in loc:
        if current is None:
            return None
        if not isinstance(part, str) or part not in current.model_fields:
            continue  # a list index, or a key of a dict such as `levels: {1: …}`
        models = [
            t
            for t in _unwrap(current.model_fields[part].annotation)
            if isinstance(t, type) and issubclass(t, BaseModel)
        ]
        current = models[0] if models else None
    return current

def _walk(data: Any, loc: tuple[Any, ...]) -> tuple[Any, Any, Any]:
    """Follow a location into the data: (parent container, last key, value)."""
    parent: Any = None
    key: Any = None
    value: Any = data
    for part in loc:
        if isinstance(value, dict) and part in value:
            parent, key, value = value, part, value[part]
        elif (isinstance(value, dict) and isinstance(part, str) and part.isdigit()
              and int(part) in value):
            parent, key, value = value, int(part), value[int(part)]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            parent, key, value = value, part, value[part]
        else:
            break
    return parent, key, value

@dataclass(frozen=True, slots=True)
class _Error:
    """One of pydantic's errors, located in the data: what a message reads."""

    error: Any
    loc: tuple[Any, ...]
    data: Any
    root: type[BaseModel]
    parent: Any
    key: Any
    value: Any

    @property
    def last(self) -> Any:
        return self.loc[-1] if self.loc else ""

    def ctx(self, name: str, default: Any = None) -> Any:
        return (self.error.get("ctx") or {}).get(name, default)


# Each message returns its text, and where to point when not at the value itself.
_Message = tuple[str, Position | None]


def _missing(e: _Error) -> _Message:
    _, _, container = _walk(e.data, e.loc[:-1])
    return f"clé « {e.last} » manquante", getattr(container, "pos", None)


def _unknown_key(e: _Error) -> _Message:
    model = _model_at(e.root, e.loc[:-1])
    fields = list(model.model_fields) if model else []
    message = f"clé « {e.last} » inconnue{suggest(e.last, fields)}"
    if fields and not suggest(e.last, fields):
        message += f" (clés possibles : {', '.join(fields)})"
    return message, key_position(e.parent, e.key) if e.parent is not None else None


def _not_allowed(e: _Error) -> _Message:
    expected = str(e.ctx("expected", ""))
    names = [a or b for a, b in re.findall(r"'([^']*)'|(\d+)", expected)]
    hint = suggest(e.value, names) if isinstance(e.value, str) else ""
    expected = expected.replace(" or ", " ou ")
    return f"valeur {_show(e.value)} invalide : attendu {expected}{hint}", None


def _pattern(e: _Error) -> _Message:
    name = next((p for p in reversed(e.loc) if isinstance(p, str)), "")
    message = _PATTERN_MESSAGES.get(
        name, "identifiant invalide : lettres minuscules sans accent, chiffres et tirets "
              "(par exemple cmp-exempleville)")
    return f"{message}, reçu {_show(e.value)}", None


def _at_least(e: _Error) -> _Message:
    return f"valeur {_show(e.value)} hors limites : au moins {e.ctx('ge')}", None


def _at_most(e: _Error) -> _Message:
    return f"valeur {_show(e.value)} hors limites : au plus {e.ctx('le')}", None


def _text(e: _Error) -> _Message:
    if isinstance(e.value, int) and not isinstance(e.value, bool):
        written = getattr(e.value, "raw", str(e.value))  # the digits as in the file
        return f"texte attendu : écrivez la valeur entre guillemets (\"{written}\")", None
    return _typed(e)


def _invalid(e: _Error) -> _Message:
    return str(e.ctx("error", e.error["msg"])), None


def _typed(e: _Error) -> _Message:
    kind = e.error["type"]
    message = _TYPE_MESSAGES.get(kind, e.error["msg"])
    if kind in _TYPE_MESSAGES and kind not in ("too_short", "string_too_short"):
        message += f", reçu {_show(e.value)}"
    return message, None


_MESSAGES: dict[str, Callable[[_Error], _Message]] = {
    "missing": _missing,
    "extra_forbidden": _unknown_key,
    "literal_error": _not_allowed,
    "string_pattern_mismatch": _pattern,
    "greater_than_equal": _at_least,
    "less_than_equal": _at_most,
    "string_type": _text,
    "value_error": _invalid,
}


def _bad_key(error: Any, data: Any, filename: str) -> Problem:
    """A key that is no text: « ~: », « 12: »."""
    loc = tuple(p for p in error["loc"] if p != "[key]")
    parent, _, _ = _walk(data, loc[:-1])
    shown = "~" if loc[-1] in (None, "None") else str(loc[-1])
    at: Position = getattr(parent, "pos", (0, 0))
    return Problem(filename, *at,
                   f"{key_path(loc[:-1])} : clé « {shown} » invalide : une clé est un nom "
                   "(par exemple name, phone)")


def _branchless(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The location without the union branches' tags (`level: 2` or `level: [2, 3]`)."""
    return tuple(p for p in loc
                 if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))


def schema_problems(
    exc: ValidationError, data: Any, root: type[BaseModel], filename: str
) -> list[Problem]:
    """Pydantic's errors as located French problems: one per place (a union reports once per
    branch: the first is kept)."""
    problems = []
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors():
        kind = error["type"]
        if "[key]" in error["loc"] or kind == "invalid_key":
            problems.append(_bad_key(error, data, filename))
            continue
        loc = _branchless(error["loc"])
        if kind == "union_tag_invalid" or (loc in seen and (
                loc != error["loc"] or kind == "literal_error")):
            continue
        parent, key, value = _walk(data, loc)
        located = _Error(error, loc, data, root, parent, key, value)
        message, pointed = _MESSAGES.get(kind, _typed)(located)
        if pointed is None:
            pointed = position(parent, key) if parent is not None else getattr(data, "pos", (0, 0))
        line, column = pointed
        seen.add(loc)
        problems.append(Problem(filename, line, column, f"{key_path(loc)} : {message}"))
    return problems


def read_checked(path: Path) -> tuple[Any, list[Problem], str]:
    name = display_path(path)
    from gradation.files.yamlio import read_yaml  # the parser, only when a file is read

    try:
        data, problems = read_yaml(path, name)
    except ProblemsFound as exc:
        return None, exc.problems, name
    return data, problems, name

def validate(model: type[Model], data: Any, problems: list[Problem], name: str
             ) -> Model | None:
    if not isinstance(data, dict):
        problems.append(Problem(name, 1, 1, "le fichier doit contenir des clés (clé: valeur)"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(schema_problems(exc, data, model, name))
        return None

def position_of(container: Any, key: Any) -> tuple[int, int]:
    return position(container, key)

def mapping_items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def duplicates(raw: Any, key: str, id_key: str, name: str, problems: list[Problem],
               what: str) -> None:
    """Report each id used twice in a list of mappings, with the line of the first use."""
    seen: dict[str, tuple[int, int]] = {}
    for _, item in mapping_items(raw, key):
        ident = item.get(id_key)
        if not isinstance(ident, str):
            continue
        where = position_of(item, id_key)
        if ident in seen:
            problems.append(Problem(name, *where, f"{what} « {ident} » en double "
                                    f"(déjà définie ligne {seen[ident][0]})"))
        else:
            seen[ident] = where
