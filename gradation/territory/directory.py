"""Editing a territory file by program, as a coordinator would by hand: comments, key order and
quoting are kept (ruamel.yaml round-trip), the new content is validated before it replaces the
file, and the replacement is atomic. A refused edit leaves the file byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from gradation.core.model import Grid, Territory
from gradation.core.schema import Resource
from gradation.core.suggest import suggest
from gradation.errors import GradationError, LoadError
from gradation.files.atomic import read_text, write_atomic
from gradation.files.territories import check_territory_file

# The order of a resource's keys, as the format describes them.
FIELD_ORDER = list(Resource.model_fields)
QUOTED = {"name", "phone", "email", "website", "address", "hours", "walk_in", "cost",
          "finess", "notes"}


def _yaml():  # type: ignore[no-untyped-def]
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(path: Path) -> Any:
    text = read_text(path, "fichier de territoire")
    from ruamel.yaml.error import YAMLError

    try:
        return _yaml().load(text)
    except YAMLError as exc:
        raise GradationError(f"{path} : YAML illisible ({exc}) ; corrigez-le d'abord "
                             "(gradation grid validate)", 3) from None


def dump(doc: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(doc, buffer)
    return buffer.getvalue()


def _scalar(key: str, value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Q

    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = v
        m.fa.set_flow_style()
        return m
    if isinstance(value, list):
        seq = CommentedSeq([Q(v) if key == "serves" else v for v in value])
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and key in QUOTED:
        return Q(value)
    return value


def resources_of(doc: Any) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    if not isinstance(doc, dict):
        raise GradationError(
            "le fichier de territoire doit contenir « territory » et « resources »")
    if doc.get("resources") is None:
        doc["resources"] = CommentedSeq()
    return doc["resources"]


def _find(doc: Any, rid: str) -> int:
    ids = [r.get("id") for r in resources_of(doc) if isinstance(r, dict)]
    for i, entry in enumerate(resources_of(doc)):
        if isinstance(entry, dict) and entry.get("id") == rid:
            return i
    raise GradationError(f"ressource « {rid} » introuvable{suggest(rid, ids)}")


def add(doc: Any, fields: dict[str, Any]) -> None:
    from ruamel.yaml.comments import CommentedMap

    rid = fields.get("id")
    if any(isinstance(r, dict) and r.get("id") == rid for r in resources_of(doc)):
        raise GradationError(f"la ressource « {rid} » existe déjà : utilisez « resources edit »", 1)
    entry = CommentedMap()
    for key in FIELD_ORDER:
        if fields.get(key) is not None:
            entry[key] = _scalar(key, fields[key])
    resources_of(doc).append(entry)


def edit(doc: Any, rid: str, fields: dict[str, Any], unset: list[str]) -> None:
    entry = resources_of(doc)[_find(doc, rid)]
    for key in unset:
        if key not in FIELD_ORDER:
            raise GradationError(f"champ « {key} » inconnu{suggest(key, FIELD_ORDER)}")
        entry.pop(key, None)
    for key, value in fields.items():
        if value is None:
            continue
        if key in entry:
            entry[key] = _scalar(key, value)
        else:  # a new key goes to its place in the format's order
            after = [k for k in FIELD_ORDER[: FIELD_ORDER.index(key)] if k in entry]
            position = list(entry).index(after[-1]) + 1 if after else 0
            entry.insert(position, key, _scalar(key, value))


def remove(doc: Any, rid: str) -> None:
    del resources_of(doc)[_find(doc, rid)]


def save(path: Path, doc: Any, grid: Grid, today: dt.date | None = None) -> Territory:
    """Validate the new content, then replace the file atomically; refuse it on any error."""
    text = dump(doc)
    territory, problems = check_territory_file(path, grid, today, text=text)
    if territory is None:
        raise LoadError(problems, f"modification refusée ; {path} n'a pas été modifié "
                        "(lignes du contenu proposé)", 1)
    write_atomic(path, text)
    return territory


def add_commune(doc: Any, insee: str, name: str) -> bool:
    """Add a commune to the territory's list, quoted and on one line; False when listed."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    communes = doc["territory"].setdefault("communes", [])
    if any(isinstance(c, dict) and str(c.get("insee")) == insee for c in communes):
        return False
    item = CommentedMap([("insee", DoubleQuotedScalarString(insee)),
                         ("name", DoubleQuotedScalarString(name))])
    item.fa.set_flow_style()
    communes.append(item)
    return True
