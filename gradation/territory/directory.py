"""Editing a territory file by program, as a coordinator would by hand.

The file is changed as text, one entry at a time: an entry's block runs from the comment lines
right above its dash to its last line of content (a comment, however far left, ends nothing);
removing an entry takes that block, editing changes the lines of the fields it changes
(`lines`: a one-field edit is a one-line diff), adding one puts it after the last entry.
Everything else — the comments above other entries, the file's trailing comments, quoting,
blank lines, line endings — stays byte for byte. An entry that came from FINESS, once removed,
is noted in `finess_ignore` so that no merge brings it back. The new text is validated before it
replaces the file, under a lock, atomically (`files.safe`); a refused edit changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gradation.core.model import Grid, Territory
from gradation.core.schema import Resource
from gradation.core.suggest import suggest
from gradation.errors import GradationError, LoadError
from gradation.files.safe import editing, replace, write_output
from gradation.files.territories import check_territory_file
from gradation.files.yamlio import check_syntax
from gradation.territory import lines as by_line
from gradation.territory.lines import Block, blocks, indent, is_comment

# The order of a resource's keys, as the format describes them.
FIELD_ORDER = list(Resource.model_fields)
QUOTED = {"name", "phone", "email", "website", "address", "hours", "walk_in", "cost",
          "finess", "notes"}


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda *_: True  # a shared value is written twice, not &id001
    return yaml


def parse(text: str, shown: Path | str = "") -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        return _yaml().load(text)
    except YAMLError as exc:
        from gradation.files.yaml_messages import syntax_problem
        mark, message = syntax_problem(exc, text)
        where = f":{mark.line + 1}" if getattr(mark, "line", None) is not None else ""
        raise GradationError(f"{shown}{where} : {message} ; corrigez-le d'abord (gradation grid "
                             "validate)", 3) from None


def _scalar(key: str, value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Q

    if isinstance(value, dict):
        mapping = CommentedMap(list(value.items()))
        mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq([Q(v) if key == "serves" else v for v in value])
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and key in QUOTED:
        return Q(value)
    return value


def _key_text(key: str, value: Any) -> str:
    """« key: value » on one line, as the format quotes and styles it."""
    from ruamel.yaml.comments import CommentedMap

    buffer = io.StringIO()
    _yaml().dump(CommentedMap([(key, _scalar(key, value))]), buffer)
    return buffer.getvalue().rstrip("\n")


def new_entry(fields: dict[str, Any]) -> Any:
    """A resource as the format orders and quotes its keys."""
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    for key in FIELD_ORDER:
        if fields.get(key) is not None:
            entry[key] = _scalar(key, fields[key])
    return entry


def change_entry(entry: Any, fields: dict[str, Any], unset: list[str]) -> None:
    """Set the given fields (a new key goes to its place in the format's order), drop `unset`."""
    for key in unset:
        if key not in FIELD_ORDER:
            raise GradationError(f"champ « {key} » inconnu{suggest(key, FIELD_ORDER)}")
        entry.pop(key, None)
    for key, value in fields.items():
        if value is None:
            continue
        if key in entry:
            entry[key] = _scalar(key, value)
        else:
            after = [k for k in FIELD_ORDER[: FIELD_ORDER.index(key)] if k in entry]
            position = list(entry).index(after[-1]) + 1 if after else 0
            entry.insert(position, key, _scalar(key, value))


# --- The text of a sequence of entries -------------------------------------------------------


def _render(items: list[Any], column: int) -> list[str]:
    """Entries dumped as a block sequence whose dashes stand at `column`."""
    from ruamel.yaml.comments import CommentedSeq

    buffer = io.StringIO()
    _yaml().dump(CommentedSeq(items), buffer)
    lines = buffer.getvalue().rstrip("\n").split("\n")
    shift = column - min(indent(line) for line in lines if line.strip())
    return [(" " * shift + line) if shift >= 0 else line[-shift:] for line in lines]


def _entry_of(lines: list[str], block: Block) -> Any:
    """The entry of a block, parsed on its own (its inner comments kept)."""
    own = [line.lstrip() if is_comment(line) and indent(line) < block.column
           else line[block.column:] for line in lines[block.dash:block.end + 1]]
    return parse("\n".join(own) + "\n")[0]


class Editor:
    """The text of a territory file and the changes made to its resources and communes."""

    def __init__(self, text: str, shown: Path | str = "",
                 proposed: dict[str, list[int]] | None = None) -> None:
        self.proposed = proposed or {}  # kind → the FINESS categories that propose it
        self.lines = text.split("\n")
        self.original = text
        self.shown = shown
        self.doc = parse(text, shown)
        if not isinstance(self.doc, dict) or not isinstance(self.doc.get("territory"), dict):
            raise GradationError(f"{shown} : le fichier de territoire doit contenir "
                                 "« territory » et « resources »", 3)

    def text(self) -> str:
        return "\n".join(self.lines)

    def _reload(self) -> None:
        self.doc = parse(self.text(), self.shown)

    def ids(self) -> list[str]:
        return [str(r.get("id")) for r in self.resources() if isinstance(r, dict)]

    def resources(self) -> list[Any]:
        return list(found) if isinstance(found := self.doc.get("resources"), list) else []

    def _index(self, rid: str) -> int:
        ids = self.ids()
        if rid not in ids:
            raise GradationError(f"ressource « {rid} » introuvable{suggest(rid, ids)}")
        return ids.index(rid)

    def _sequence(self, container: Any, key: str) -> tuple[Any, list[Block]]:
        seq: Any = container.get(key)
        style = getattr(seq, "fa", None)  # ruamel's record of the sequence's style
        if isinstance(seq, list) and seq and style is not None and not style.flow_style():
            return seq, blocks(self.lines, seq)
        return seq, []

    def remove(self, rid: str, today: dt.date | None = None) -> str | None:
        """Take an entry out; one that came from FINESS is noted in `finess_ignore`, one that
        came from an HSDS package in `hsds_ignore` (with its name and the day, in a comment) so
        that no merge brings it back. Returns what was noted."""
        index = self._index(rid)
        entry = self.resources()[index]
        info = self.doc["territory"]
        noted, key = None, "finess_ignore"
        if entry.get("finess"):
            kind = str(entry.get("kind"))
            noted = str(entry["finess"]) + (f":{kind}" if kind in self.proposed else "")
        elif entry.get("imported") or info.get("hsds_merged"):
            noted, key = rid, "hsds_ignore"
        seq, found = self._sequence(self.doc, "resources")
        if not found:  # a flow sequence: rewritten whole
            del seq[index]
            self._rewrite_key(self.doc, "resources", list(seq))
        else:
            self._cut(found, index)
        if noted is not None and noted not in [str(c) for c in info.get(key) or []]:
            name = " ".join(str(entry.get("name", "")).split())
            style = "finess" if key == "finess_ignore" else "id"
            self._append(info, key, [_scalar(style, noted)])
            listed = self.doc["territory"][key]
            line = listed.lc.item(len(listed) - 1)[0]
            self.lines[line] += f"  # {rid} « {name} », retiré le {(today or dt.date.today())}"
            self._reload()
        return noted

    def _cut(self, found: list[Block], index: int) -> None:
        block = found[index]
        stop = block.end + 1
        while stop < len(self.lines) and not self.lines[stop].strip():
            stop += 1  # the blank lines that followed the entry go with it
        if index + 1 == len(found) and stop == len(self.lines):
            stop = block.end + 1
        del self.lines[block.comments:stop]
        if len(found) == 1:  # the last resource: the key stays, an empty list
            line, column = self.doc.lc.key("resources")
            comment = by_line.trailing_comment(self.lines[line])
            self.lines[line] = " " * column + "resources: []" + comment
        self._reload()

    def set_info(self, key: str, value: Any) -> None:
        """Set one key of the `territory` block on its own line."""
        from gradation.core.schema_territory import TerritoryInfo

        info = self.doc["territory"]
        line = self.doc.lc.key("territory")[0]
        end = line
        for j in range(line + 1, len(self.lines)):
            text = self.lines[j]
            if text.strip() and not is_comment(text):
                if indent(text) == 0:
                    break
                end = j
        edits = by_line.field_edits(self.lines, info, line, end, list(TerritoryInfo.model_fields),
                                    {key: value}, [], _key_text)
        if edits is None or getattr(info, "fa", None) is None or info.fa.flow_style():
            raise GradationError(f"{self.shown} : « territory » écrit sur une ligne ; ajoutez-y "
                                 f"« {key}: {value} » à la main (rien n'a été modifié)")
        by_line.apply(self.lines, edits)
        self._reload()

    def edit(self, rid: str, fields: dict[str, Any], unset: list[str]) -> None:
        self.edit_many({rid: fields}, unset)

    def edit_many(self, changes: dict[str, dict[str, Any]], unset: list[str] | None = None
                  ) -> None:
        """Change several entries in one pass (bottom up: earlier lines do not move)."""
        indexes = {self._index(rid): fields for rid, fields in changes.items()}
        seq, found = self._sequence(self.doc, "resources")
        if not found:
            for index, fields in indexes.items():
                change_entry(seq[index], fields, unset or [])
            self._rewrite_key(self.doc, "resources", list(seq))
            return
        for index in sorted(indexes, reverse=True):
            self._edit_block(seq[index], found[index], indexes[index], unset or [])
        self._reload()

    def _edit_block(self, current: Any, block: Block, fields: dict[str, Any],
                    unset: list[str]) -> None:
        """One entry changed on its own lines where it can be (a one-field edit is a one-line
        diff), else rewritten whole with the comments inside it."""
        for key in unset:
            if key not in FIELD_ORDER:
                raise GradationError(f"champ « {key} » inconnu{suggest(key, FIELD_ORDER)}")
        flow = getattr(current, "fa", None)
        if flow is not None and flow.flow_style() and block.dash == block.end:
            line = self.lines[block.dash]
            copy = new_entry({})
            for key, value in current.items():
                copy[key] = value
            change_entry(copy, fields, unset)
            copy.fa.set_flow_style()
            rendered = _render([copy], block.column)
            if len(rendered) == 1:
                self.lines[block.dash] = rendered[0] + by_line.trailing_comment(line)
                return
        if flow is not None and not flow.flow_style():
            edits = by_line.field_edits(self.lines, current, block.dash, block.end, FIELD_ORDER,
                                      fields, unset, _key_text)
            if edits is not None:
                by_line.apply(self.lines, edits)
                return
        entry = _entry_of(self.lines, block)
        change_entry(entry, fields, unset)
        self.lines[block.dash:block.end + 1] = _render([entry], block.column)

    def add_many(self, entries: list[dict[str, Any]]) -> None:
        ids = set(self.ids())
        for fields in entries:
            rid = str(fields.get("id"))
            if rid in ids:
                raise GradationError(f"la ressource « {rid} » existe déjà : utilisez "
                                     "« resources edit »", 1)
            ids.add(rid)
        if entries:
            self._append(self.doc, "resources", [new_entry(f) for f in entries])

    def add_communes(self, communes: list[tuple[str, str]],
                     details: dict[str, dict[str, list[str]]] | None = None) -> list[str]:
        """Add the communes not listed yet (INSEE code, name; `details` may give their
        postcodes and aliases); return their codes."""
        from ruamel.yaml.comments import CommentedMap, CommentedSeq
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Q

        info = self.doc["territory"]
        listed = {str(c.get("insee")) for c in info.get("communes") or [] if isinstance(c, dict)}
        items = []
        for insee, name in communes:
            if insee not in listed:
                item = CommentedMap([("insee", Q(insee)), ("name", Q(name))])
                for key, values in ((details or {}).get(insee) or {}).items():
                    if values:
                        seq = CommentedSeq([Q(v) for v in values])
                        seq.fa.set_flow_style()
                        item[key] = seq
                item.fa.set_flow_style()
                items.append(item)
                listed.add(insee)
        if items:
            self._append(info, "communes", items)
        return [str(item["insee"]) for item in items]

    def _ensure_key(self, container: Any, key: str) -> Any:
        """A list key that the file lacks (« resources: », a territory's « communes: »),
        written empty where a person would write it; returns the container reloaded."""
        if key in container:
            return container
        if container is self.doc:
            self.lines.append(f"{key}: []")
            self._reload()
            return self.doc
        keys = list(container)
        if not keys or getattr(getattr(container, "fa", None), "flow_style", lambda: False)():
            raise GradationError(f"clé « {key} » absente d'un bloc écrit sur une ligne : "
                                 f"ajoutez « {key}: [] » dans « territory » puis relancez "
                                 "(rien n'a été modifié)")
        line, column = container.lc.key(keys[-1])
        end = line
        while end + 1 < len(self.lines) and (not self.lines[end + 1].strip() or len(
                self.lines[end + 1]) - len(self.lines[end + 1].lstrip()) > column):
            end += 1  # the last key's value, however many lines it holds
        while end > line and not self.lines[end].strip():
            end -= 1  # the blank lines after it stay after the new key
        self.lines.insert(end + 1, " " * column + f"{key}: []")
        self._reload()
        return self.doc["territory"]

    def _append(self, container: Any, key: str, items: list[Any]) -> None:
        container = self._ensure_key(container, key)
        seq, found = self._sequence(container, key)
        if found:
            last = found[-1]
            self.lines[last.end + 1:last.end + 1] = _render(items, last.column)
            self._reload()
        else:
            self._rewrite_key(container, key, [*(seq or []), *items])

    def _rewrite_key(self, container: Any, key: str, items: list[Any]) -> None:
        """A key whose value is empty or a flow sequence, written again as a block sequence
        (one line per item when the items are flow mappings)."""
        line, column = container.lc.key(key)
        end = line
        value_line = container.lc.value(key)[0]
        while end + 1 < len(self.lines) and end < value_line:
            end += 1
        # a flow sequence may span several lines: up to its closing bracket
        while "]" not in self.lines[end] and end + 1 < len(self.lines) and items:
            end += 1
        head = " " * column + f"{key}:" + ("" if items else " []")
        self.lines[line:end + 1] = [head, *(_render(items, column + 2) if items else [])]
        self._reload()


def update(path: Path, grid: Grid, change: Callable[[Editor], Any],
           output: Path | None = None, today: dt.date | None = None,
           dry_run: list[str] | None = None) -> tuple[Territory, Any]:
    """Lock and read `path`, apply `change`, validate, and write the result (to `output` when
    given) — or, with a `dry_run` list, put the unified diff there and write nothing. Returns
    the territory as written and what `change` returned."""
    with editing(path) as snapshot:
        check_syntax(snapshot.text, path)
        editor = Editor(snapshot.text, path, {k.id: k.finess_proposed for k in grid.model.kinds
                                              if k.finess_proposed})
        outcome = change(editor)
        text = editor.text()
        territory, problems = check_territory_file(output or path, grid, today, text=text)
        if territory is None:
            raise LoadError(by_line.on_disk(problems, snapshot.text, text),
                            f"modification refusée ; {output or path} n'a pas été modifié", 1)
        if dry_run is not None:
            dry_run += by_line.diff(snapshot.text, text, str(path), str(output or path))
            return territory, outcome
        if text == snapshot.text and (output is None or Path(output).resolve() == snapshot.path):
            return territory, outcome  # nothing changed: the file is left as it was
        if output is None or Path(output).resolve() == snapshot.path:
            replace(snapshot, text)
        else:
            write_output(output, snapshot.encode(text), reads=())
    return territory, outcome
