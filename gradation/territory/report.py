"""The access report a CPTS brings to its territorial mental-health project (PTSM): how many
resources answer each situation and level in each commune, where a reason that wants the
patient seen within the week (or 72 hours) finds no fast resource, the declared waits by kind
and how old they are, the entries to verify, the kinds the grid calls that the territory lacks.

Pure functions over the loaded grid and territory; the CLI renders them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from gradation.core.matching import IN_TIME, fits, is_placed
from gradation.core.model import Grid, Territory
from gradation.territory.coverage import coverage, level_text, stale


@dataclass(slots=True)
class FastGap:
    situation: str  # its label
    reason: str  # the reason's first clause
    delay: str  # « dans la semaine », « sous 72 h »
    communes: list[str]  # where no fast resource of the kinds it calls serves


@dataclass(slots=True)
class Report:
    territory: str
    today: dt.date
    counts: list[tuple[str, str, str, int]] = field(default_factory=list)  # sit, level, commune
    fast_gaps: list[FastGap] = field(default_factory=list)
    waits: list[tuple[str, float, int]] = field(default_factory=list)  # kind, median, count
    old_waits: list[tuple[str, dt.date]] = field(default_factory=list)  # name, declared
    to_verify: list[tuple[str, dt.date | None]] = field(default_factory=list)
    missing_kinds: list[str] = field(default_factory=list)


def _counts(territory: Territory, grid: Grid) -> list[tuple[str, str, str, int]]:
    """How many resources each commune has, by situation and level."""
    cov = coverage(territory, grid)
    return [(situation.label, level_text(level), commune.name, count)
            for situation in grid.situations.values()
            for commune in territory.data.territory.communes
            for (sid, level), count in cov.by_commune[commune.insee].items()
            if sid == situation.id]


def _fast_gaps(territory: Territory, situation: Any, today: dt.date) -> list[FastGap]:
    """The communes where no one can see a patient in time for a reason that asks it."""
    gaps = []
    communes = territory.data.territory.communes
    for rule in situation.rules:
        delays = {rule.delay, *(faster for _, faster in rule.sooner)} & set(IN_TIME)
        for delay in sorted(delays):
            lacking = [c.name for c in communes if not any(
                r.is_fast(delay, today) and fits(r, None, c.insee)
                and is_placed(r, situation.id, rule.level, rule.calls)
                for r in territory.resources)]
            if lacking:
                gaps.append(FastGap(situation.label, rule.reason.split(" : ")[0],
                                    IN_TIME[delay], lacking))
    return gaps


def _waits(report: Report, territory: Territory, grid: Grid, today: dt.date) -> None:
    """The median wait by kind, and the waits declared too long ago."""
    by_kind: dict[str, list[int]] = {}
    for res in territory.resources:
        if res.wait_weeks is not None:
            by_kind.setdefault(res.kind, []).append(res.wait_weeks)
        if res.wait_as_of is not None and (res.wait_is_stale(today)
                                           or res.urgent_is_stale(today)):
            report.old_waits.append((res.name, res.wait_as_of))
    report.waits = sorted((grid.kind_label(kind), statistics.median(weeks), len(weeks))
                          for kind, weeks in by_kind.items())


def access_report(territory: Territory, grid: Grid, today: dt.date) -> Report:
    report = Report(territory.name, today)
    report.counts = _counts(territory, grid)
    for situation in grid.situations.values():
        report.fast_gaps += _fast_gaps(territory, situation, today)
    _waits(report, territory, grid, today)
    report.to_verify = [(res.name, res.verified_on)
                        for res, _ in stale(territory, grid.model.matching.stale_days, today)]
    called = {kind for s in grid.situations.values() for r in s.rules for kind in r.calls}
    present = {res.kind for res in territory.resources}
    report.missing_kinds = sorted(grid.kind_label(k) for k in called - present)
    return report
