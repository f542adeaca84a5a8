"""Merging a FINESS import into an existing territory file, field by field.

An entry that came from FINESS remembers what was imported (`imported`). A later import
updates a field only where the file still holds that value; a value changed by hand is kept and
reported, with what FINESS says now. New establishments are added (with what is proposed beside
them: a hospital's emergency department, to verify), the ones gone from the extract are listed
and kept, the ones removed by hand (`finess_ignore`) stay out. The extract's date is recorded and
an older extract is refused. Importing the same extract again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradation.core.model import Grid
from gradation.errors import GradationError
from gradation.territory import directory, finess

NAMES = {"phone": "téléphone", "address": "adresse", "lat": "latitude", "lon": "longitude",
         "name": "nom", "email": "courriel", "website": "site", "hours": "horaires"}


@dataclass(slots=True)
class MergeReport:
    added: list[str] = field(default_factory=list)  # « id (FINESS) name » of each new entry
    ignored: list[str] = field(default_factory=list)  # what finess_ignore kept out
    updated: int = 0
    unchanged: int = 0
    gone: list[tuple[str, str]] = field(default_factory=list)  # (id, finess) not in the extract
    fields: dict[str, list[str]] = field(default_factory=dict)  # id -> what happened, per field
    written: bool = True


def compare_owned(entry: dict[str, Any], now: dict[str, Any], source: str = "FINESS"
                  ) -> tuple[dict[str, Any], list[str]]:
    """The owned fields to write on an existing entry, and what happened to each: a field
    follows `now` where the file still holds the value last imported (`imported`), and is kept
    (and reported) where it was changed by hand."""
    before = dict(entry.get("imported") or {})
    changes: dict[str, Any] = {}
    said = []
    for key, value in now.items():
        current = entry.get(key)
        if current == value:
            continue
        if current is None:
            changes[key] = value
            said.append(f"{NAMES[key]} ajouté(e)")
        elif key in before and current == before[key]:
            changes[key] = value
            said.append(f"{NAMES[key]} mis(e) à jour")
        else:
            said.append(f"{NAMES[key]} gardé(e), modifié(e) à la main ({source} : {value})")
    if now != before and (changes or said):
        changes["imported"] = now
    return changes, said


def _compare(entry: dict[str, Any], est: finess.Establishment
             ) -> tuple[dict[str, Any], list[str]]:
    """The fields to write on an existing entry, and what happened to each."""
    changes, said = compare_owned(entry, finess.owned_values(est))
    if est.updated is not None and entry.get("finess_updated_on") != est.updated:
        changes["finess_updated_on"] = est.updated
    return changes, said


Key = tuple[str, str]  # (FINESS number, the proposed kind or « » for the establishment)


def _ignored(key: Key, ignore: set[str]) -> bool:
    number, kind = key
    return number in ignore or (bool(kind) and f"{number}:{kind}" in ignore)


def _check_date(info: Any, result: Any, force: bool) -> dt.date | None:
    """The extract's date to record, or None; an older extract than the last one merged is
    refused (its phones and addresses would replace newer ones)."""
    known = info.get("finess_extract")
    date = result.extract_date
    if date is None:
        return None
    if isinstance(known, dt.date) and date < known and not force:
        raise GradationError(f"extrait FINESS du {date.isoformat()}, plus ancien que le dernier "
                             f"fusionné ({known.isoformat()}) : rien n'a été écrit (--force pour "
                             "le fusionner quand même)", 1)
    return date if not isinstance(known, dt.date) or date > known else None


def _by_key(entries: list[Any], proposed_ids: set[str]) -> dict[Key, Any]:
    """The file's FINESS entries by (number, proposed kind or "")."""
    out: dict[Key, Any] = {}
    for e in entries:
        if e.get("finess"):
            kind = str(e.get("kind"))
            out[(str(e["finess"]), kind if kind in proposed_ids else "")] = e
    return out


def _wanted(result: Any, proposed: dict[str, Any]) -> dict[Key, finess.Establishment]:
    """The extract's establishments by key: each one, and each kind proposed for its
    category."""
    wanted: dict[Key, finess.Establishment] = {}
    for est in result.establishments:
        wanted[(est.finess, "")] = est
        for kind, _ in proposed.get(est.category, []):
            wanted[(est.finess, kind)] = est
    return wanted


class _Merge:
    """One FINESS merge into one file: what is added, edited, reported."""

    def __init__(self, editor: directory.Editor, result: Any, grid: Grid) -> None:
        self.editor = editor
        self.proposed = finess.proposed_kinds(grid)
        self.entries = [e for e in editor.resources() if isinstance(e, dict)]
        ids = {kind for kinds in self.proposed.values() for kind, _ in kinds}
        self.existing = _by_key(self.entries, ids)
        self.report = MergeReport()
        self.added: list[dict[str, Any]] = []
        self.edits: dict[str, dict[str, Any]] = {}
        self.ids: dict[str, str] = {}

    def plan(self, wanted: dict[Key, finess.Establishment]) -> None:
        new = [est for (number, kind), est in wanted.items() if not kind
               and (number, "") not in self.existing]
        self.ids = finess.unique_ids(new, {str(e.get("id")) for e in self.entries})
        self.ids.update({number: str(e["id"]) for (number, kind), e in self.existing.items()
                         if not kind})
        for key, est in wanted.items():
            entry = self.existing.get(key)
            if entry is None:
                self.added.append(self.fields(key, est))
            else:
                self.compare(entry, est)

    def fields(self, key: Key, est: finess.Establishment) -> dict[str, Any]:
        """A new entry: the establishment, or one of the kinds proposed for it."""
        base = self.ids.get(est.finess) or finess.unique_ids(
            [est], set(self.editor.ids()))[est.finess]
        if not key[1]:
            return finess.resource_fields(est, base)
        kinds = dict(self.proposed.get(est.category, []))
        return finess.proposal_fields(est, (key[1], kinds[key[1]]), f"{base}-{key[1]}")

    def compare(self, entry: Any, est: finess.Establishment) -> None:
        changes, said = _compare(entry, est)
        rid = str(entry["id"])
        if changes:
            self.edits[rid] = changes
        if said:
            self.report.fields[rid] = said
        kept = tuple(f"{n} gardé" for n in NAMES.values())
        if any(not s.startswith(kept) for s in said):
            self.report.updated += 1


def merge_finess(existing: Path, output: Path, result: Any, grid: Grid, today: dt.date,
                 force: bool = False, dry_run: list[str] | None = None) -> MergeReport:
    """Merge `result` (finess.parse) into the territory `existing`, written to `output`."""

    def change(editor: directory.Editor) -> MergeReport:
        info = editor.doc["territory"]
        date = _check_date(info, result, force)
        ignore = {str(code) for code in info.get("finess_ignore") or []}
        merge = _Merge(editor, result, grid)
        report = merge.report
        wanted = _wanted(result, merge.proposed)
        report.ignored = sorted(k[0] + (f":{k[1]}" if k[1] else "") for k in wanted
                                if _ignored(k, ignore))
        wanted = {k: est for k, est in wanted.items() if not _ignored(k, ignore)}
        merge.plan(wanted)
        editor.edit_many(merge.edits)
        editor.add_many(merge.added)
        report.added = [f"{f['id']} ({f['finess']}) {f['name']}" for f in merge.added]
        editor.add_communes([(est.insee, est.town) for est in result.establishments])
        if date is not None:
            editor.set_info("finess_extract", date)
        report.gone = [(str(e.get("id")), k[0]) for k, e in merge.existing.items()
                       if k not in wanted and not _ignored(k, ignore)]
        report.unchanged = len(merge.existing) - len(report.gone) - report.updated
        report.written = editor.text() != editor.original
        return report

    _, report = directory.update(existing, grid, change, output=output, today=today,
                                 dry_run=dry_run)
    return report
