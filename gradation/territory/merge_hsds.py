"""Merging an HSDS package into an existing territory file, with the FINESS merge's rules.

Entries are matched by their resource id (the package's `gradation-territoire.json` maps each
service to it). The contact fields (name, phone, e-mail, website, address, hours, coordinates)
follow the package only where the file still holds the value last imported (`imported`); a
value changed by hand — or one whose origin the file does not record — is kept and reported
with what the package says. A declared wait follows the package when the package's declaration
(`wait_as_of`) is newer; `verified_on` keeps the later date. The other fields (kind, situations,
level, sector, ages…) are the coordinator's: filled in when absent, kept and reported when
they differ. New services are added; entries absent from the package are kept and listed; the
ones removed by hand (`hsds_ignore`, or `finess_ignore` for their FINESS number) stay out.
Merging the same package again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from gradation.core.model import Grid
from gradation.territory import directory
from gradation.territory.merge import MergeReport, compare_owned

OWNED = ("name", "phone", "email", "website", "address", "hours", "lat", "lon")
WAITS = ("wait_weeks", "urgent_days", "wait_as_of")
# What the package never brings into an existing entry: the file's own provenance.
LOCAL = ("id", "imported", "finess_updated_on")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def _newer_waits(entry: dict[str, Any], res: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    theirs, ours = _date(res.get("wait_as_of")), _date(entry.get("wait_as_of"))
    if theirs is None or (ours is not None and theirs <= ours):
        return {}, []
    changes = {k: (_date(res[k]) if k == "wait_as_of" else res[k]) for k in WAITS if k in res}
    if all(entry.get(k) == v for k, v in changes.items()):
        return {}, []
    return changes, [f"délai déclaré mis à jour (déclaration du {theirs.isoformat()})"]


def _compare(entry: dict[str, Any], res: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The fields to write on an existing entry, and what happened to each."""
    changes, said = compare_owned(entry, {k: res[k] for k in OWNED if k in res}, "paquet")
    waits, told = _newer_waits(entry, res)
    changes.update(waits)
    said += told
    verified = _date(res.get("verified_on"))
    if verified is not None and (_date(entry.get("verified_on")) or dt.date.min) < verified:
        changes["verified_on"] = verified
        said.append(f"vérifiée le {verified.isoformat()} (d'après le paquet)")
    for key, value in res.items():
        if key in OWNED or key in WAITS or key in LOCAL or key == "verified_on":
            continue
        current = entry.get(key)
        if current is None:
            changes[key] = value
            said.append(f"{key} ajouté(e)")
        elif current != value:
            said.append(f"{key} gardé(e), différent(e) dans le paquet ({value})")
    return changes, said


def _ignored(res: dict[str, Any], info: Any) -> bool:
    return (str(res["id"]) in {str(x) for x in info.get("hsds_ignore") or []}
            or str(res.get("finess")) in {str(x) for x in info.get("finess_ignore") or []})


def _new_entry(res: dict[str, Any]) -> dict[str, Any]:
    fields = {k: (_date(v) if k in ("wait_as_of", "verified_on", "finess_updated_on") else v)
              for k, v in res.items()}
    owned = {k: res[k] for k in OWNED if isinstance(res.get(k), (str, int, float))}
    if owned and "imported" not in fields:
        fields["imported"] = owned
    return fields


def _edits(entries: dict[str, Any], wanted: dict[str, Any], report: MergeReport
           ) -> dict[str, dict[str, Any]]:
    """The changes to the entries already in the file, each field said in the report."""
    edits = {}
    for rid, res in wanted.items():
        if rid not in entries:
            continue
        changes, said = _compare(entries[rid], res)
        if changes:
            edits[rid] = changes
            report.updated += 1
        if said:
            report.fields[rid] = said
    return edits


def _served_communes(data: dict[str, Any], added: list[dict[str, Any]]
                     ) -> list[tuple[str, str]]:
    """The package's communes that the new entries serve."""
    served = {code for f in added for code in f.get("serves") or []}
    return [(str(c["insee"]), str(c["name"])) for c in data["territory"].get("communes") or []
            if isinstance(c, dict) and c.get("insee") in served]


def merge_hsds(existing: Path, output: Path, data: dict[str, Any], grid: Grid,
               today: dt.date, dry_run: list[str] | None = None) -> MergeReport:
    """Merge the package `data` (hsds.import_package) into the territory `existing`, written
    to `output`."""

    def change(editor: directory.Editor) -> MergeReport:
        info = editor.doc["territory"]
        entries = {str(e.get("id")): e for e in editor.resources() if isinstance(e, dict)}
        report = MergeReport()
        wanted = {str(r["id"]): r for r in data["resources"]}
        report.ignored = sorted(rid for rid, r in wanted.items() if _ignored(r, info))
        wanted = {rid: r for rid, r in wanted.items() if rid not in report.ignored}
        added = [_new_entry(res) for rid, res in wanted.items() if rid not in entries]
        editor.edit_many(_edits(entries, wanted, report))
        editor.add_many(added)
        report.added = [f"{f['id']} {f['name']}" for f in added]
        editor.add_communes(_served_communes(data, added))
        report.gone = [(rid, "") for rid in entries if rid not in wanted
                       and rid not in report.ignored]
        report.unchanged = len(entries) - len(report.gone) - report.updated
        report.written = editor.text() != editor.original
        if report.written:
            editor.set_info("hsds_merged", today)
        return report

    _, report = directory.update(existing, grid, change, output=output, today=today,
                                 dry_run=dry_run)
    return report
