"""Pydantic's validation errors as located French problems, and the helpers that read a
file's positions."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gradation.core.suggest import suggest
from gradation.errors import Problem, display_path
from gradation.files.marked import ProblemsFound, key_position, position

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

def schema_problems(
    exc: ValidationError, data: Any, root: type[BaseModel], filename: str
) -> list[Problem]:
    """Pydantic's errors as located French problems."""
    problems = []
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors():
        is_key = "[key]" in error["loc"] or error["type"] == "invalid_key"
        loc = tuple(p for p in error["loc"] if p != "[key]")
        kind = error["type"]
        if is_key:  # a key that is no text: « ~: », « 12: »
            parent, _, _ = _walk(data, loc[:-1])
            shown = "~" if loc[-1] in (None, "None") else str(loc[-1])
            at: tuple[int, int] = getattr(parent, "pos", (0, 0))
            problems.append(Problem(filename, *at, f"{key_path(loc[:-1])} : clé « {shown} » "
                                    "invalide : une clé est un nom (par exemple name, phone)"))
            continue
        # a union (`level: 2` or `level: [2, 3]`) reports once per branch: keep the first
        tags = [p for p in loc if isinstance(p, str) and ("[" in p or p.startswith("function-"))]
        if tags:
            loc = tuple(p for p in loc if p not in tags)
            if loc in seen:
                continue
        if kind in ("union_tag_invalid",) or (kind == "literal_error" and loc in seen):
            continue
        parent, key, value = _walk(data, loc)
        where: tuple[int, int] = (position(parent, key) if parent is not None
                                  else getattr(data, "pos", (0, 0)))
        last = loc[-1] if loc else ""
        if kind == "missing":
            _, _, container = _walk(data, loc[:-1])
            where = getattr(container, "pos", where)
            message = f"clé « {last} » manquante"
        elif kind == "extra_forbidden":
            where = key_position(parent, key) if parent is not None else where
            model = _model_at(root, loc[:-1])
            fields = list(model.model_fields) if model else []
            message = f"clé « {last} » inconnue{suggest(last, fields)}"
            if fields and not suggest(last, fields):
                message += f" (clés possibles : {', '.join(fields)})"
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            options = re.findall(r"'([^']*)'|(\d+)", expected)
            names = [a or b for a, b in options]
            expected = expected.replace(" or ", " ou ")
            hint = suggest(value, names) if isinstance(value, str) else ""
            message = f"valeur {_show(value)} invalide : attendu {expected}{hint}"
        elif kind == "string_pattern_mismatch":
            name = next((p for p in reversed(loc) if isinstance(p, str)), "")
            message = _PATTERN_MESSAGES.get(
                name,
                "identifiant invalide : lettres minuscules sans accent, chiffres et tirets "
                "(par exemple cmp-exempleville)",
            )
            message += f", reçu {_show(value)}"
        elif kind in ("greater_than_equal", "less_than_equal"):
            bound = error.get("ctx", {}).get("ge", error.get("ctx", {}).get("le"))
            word = "au moins" if kind == "greater_than_equal" else "au plus"
            message = f"valeur {_show(value)} hors limites : {word} {bound}"
        elif kind == "string_type" and isinstance(value, int) and not isinstance(value, bool):
            written = getattr(value, "raw", str(value))  # the digits as in the file
            message = f"texte attendu : écrivez la valeur entre guillemets (\"{written}\")"
        elif kind == "value_error":
            message = str(error.get("ctx", {}).get("error", error["msg"]))
        else:
            message = _TYPE_MESSAGES.get(kind, error["msg"])
            if kind in _TYPE_MESSAGES and kind not in ("too_short", "string_too_short"):
                message += f", reçu {_show(value)}"
        seen.add(loc)
        problems.append(Problem(filename, *where, f"{key_path(loc)} : {message}"))
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
