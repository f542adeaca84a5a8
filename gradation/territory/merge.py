"""Merging a FINESS import into an existing territory file, field by field.

An entry that came from FINESS remembers what was imported (`imported`). A later import
updates a field only where the file still holds that value; a value changed by hand is kept and
reported, with what FINESS says now. New establishments are added, the ones gone from the
extract are listed and kept. Importing the same extract again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradation.core.model import Grid
from gradation.territory import directory, finess

NAMES = {"phone": "téléphone", "address": "adresse", "lat": "latitude", "lon": "longitude"}


@dataclass(slots=True)
class MergeReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    gone: list[tuple[str, str]] = field(default_factory=list)  # (id, finess) not in the extract
    fields: dict[str, list[str]] = field(default_factory=dict)  # id -> what happened, per field
    written: bool = True


def _compare(entry: dict[str, Any], est: finess.Establishment
             ) -> tuple[dict[str, Any], list[str]]:
    """The fields to write on an existing entry, and what happened to each."""
    before = dict(entry.get("imported") or {})
    now = finess.owned_values(est)
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
            said.append(f"{NAMES[key]} gardé(e), modifié(e) à la main (FINESS : {value})")
    if now != before and (changes or said):
        changes["imported"] = now
    if est.updated is not None and entry.get("finess_updated_on") != est.updated:
        changes["finess_updated_on"] = est.updated
    return changes, said


def merge_finess(existing: Path, output: Path, result: Any, grid: Grid, today: dt.date
                 ) -> MergeReport:
    """Merge `result` (finess.parse) into the territory `existing`, written to `output`."""

    def change(editor: directory.Editor) -> MergeReport:
        entries = [e for e in editor.resources() if isinstance(e, dict)]
        by_finess = {str(e.get("finess")): e for e in entries if e.get("finess")}
        new = [e for e in result.establishments if e.finess not in by_finess]
        ids = finess.unique_ids(new, {str(e.get("id")) for e in entries})
        report = MergeReport(added=len(new))
        edits: dict[str, dict[str, Any]] = {}
        for est in result.establishments:
            entry = by_finess.get(est.finess)
            if entry is None:
                continue
            changes, said = _compare(entry, est)
            rid = str(entry["id"])
            if changes:
                edits[rid] = changes
            if said:
                report.fields[rid] = said
            if any(not s.startswith(tuple(f"{n} gardé" for n in NAMES.values())) for s in said):
                report.updated += 1
        editor.edit_many(edits)
        editor.add_many([finess.resource_fields(est, ids[est.finess]) for est in new])
        editor.add_communes([(est.insee, est.town) for est in result.establishments])
        imported = {e.finess for e in result.establishments}
        report.gone = [(str(e.get("id")), f) for f, e in by_finess.items() if f not in imported]
        report.unchanged = len(by_finess) - len(report.gone) - report.updated
        report.written = editor.text() != editor.original
        return report

    _, report = directory.update(existing, grid, change, output=output, today=today)
    return report
