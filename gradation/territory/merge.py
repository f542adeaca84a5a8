"""Merging a FINESS import into an existing territory file: new establishments are added, the
fields FINESS owns are refreshed, and every entry written by hand is kept as it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradation.core.model import Grid
from gradation.territory import directory, finess

# The fields that an import may refresh on an entry that came from FINESS.
FINESS_FIELDS = ("phone", "address", "lat", "lon", "verified_on")


@dataclass(slots=True)
class MergeReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    gone: list[tuple[str, str]] = field(default_factory=list)  # (id, finess) not in the extract


def merge_finess(existing: Path, output: Path, result: Any, grid: Grid, today: dt.date
                 ) -> MergeReport:
    """Merge `result` (finess.parse) into the territory `existing`, written to `output`."""

    def change(editor: directory.Editor) -> MergeReport:
        entries = [e for e in editor.resources() if isinstance(e, dict)]
        by_finess = {str(e.get("finess")): e for e in entries if e.get("finess")}
        new = [e for e in result.establishments if e.finess not in by_finess]
        ids = finess.unique_ids(new, {str(e.get("id")) for e in entries})
        report = MergeReport(added=len(new))
        changes: dict[str, dict[str, Any]] = {}
        for est in result.establishments:
            entry = by_finess.get(est.finess)
            if entry is None:
                continue
            fields = finess.resource_fields(est, str(entry["id"]))
            owned = {k: fields[k] for k in FINESS_FIELDS
                     if k in fields and entry.get(k) != fields[k]}
            if owned:
                changes[str(entry["id"])] = owned
        report.updated = len(changes)
        editor.edit_many(changes)
        editor.add_many([finess.resource_fields(est, ids[est.finess]) for est in new])
        editor.add_communes([(est.insee, est.town) for est in result.establishments])
        imported = {e.finess for e in result.establishments}
        report.gone = [(str(e.get("id")), f) for f, e in by_finess.items() if f not in imported]
        report.unchanged = len(by_finess) - len(report.gone) - report.updated
        return report

    _, report = directory.update(existing, grid, change, output=output, today=today)
    return report
